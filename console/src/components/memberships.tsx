// The organizations a user or an application belongs to, with their roles in each.
import { Badge, Group, Table, Text } from "@mantine/core";
import { Pager, type usePages } from "./common.tsx";
import { AnchorLink } from "./links.tsx";

export interface MembershipConnection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { node: { organization: { id: string; name: string }; roles: { id: string; name: string }[] } }[];
}

export function MembershipsTable({ connection, pages }: { connection: MembershipConnection | null | undefined; pages: ReturnType<typeof usePages> }) {
  if (!connection) return null;
  return (
    <>
      <Table striped aria-label="Organizations">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Organization</Table.Th>
            <Table.Th>Roles</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connection.edges.map(({ node }) => (
            <Table.Tr key={node.organization.id}>
              <Table.Td>
                <AnchorLink to="/organizations/$organizationId" params={{ organizationId: node.organization.id }}>
                  {node.organization.name}
                </AnchorLink>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>{node.roles.length ? node.roles.map((role) => <Badge key={role.id} variant="light">{role.name}</Badge>) : <Text size="sm" c="dimmed">No roles</Text>}</Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager pageInfo={connection.pageInfo} totalCount={connection.totalCount} pages={pages} noun="organizations" />
    </>
  );
}
