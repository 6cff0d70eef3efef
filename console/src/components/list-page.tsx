// One way to show a connection: a table whose columns are data (a header and a cell per node), a
// line when it is empty, and its pages; and one list page around it (heading with its create action,
// an introduction, a search box, errors). Organizations, users, applications and API resources are
// all this page with other columns; detail pages' lists use the table alone.
import { Group, Stack, Table, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import type { CombinedError } from "urql";
import { ErrorAlert, Pager, type PageInfo, SearchInput, usePages, useSearch } from "./common.tsx";

export interface Column<Node> {
  header: ReactNode;
  cell: (node: Node) => ReactNode;
}

export interface Connection<Node> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: readonly { node: Node }[];
}

/** A search box's text and the pages of the list it filters (back to the first page on a new search). */
export function useSearchedPages() {
  const [search, settled, setSearch] = useSearch();
  const pages = usePages(settled);
  return { search, settled, setSearch, pages, variables: { search: settled || undefined, ...pages.variables } };
}

export type SearchedPages = ReturnType<typeof useSearchedPages>;

export function ConnectionTable<Node>({
  label,
  connection,
  columns,
  rowKey,
  pages,
  noun,
  searching = false,
  busy,
}: {
  /** The table's accessible name. */
  label: string;
  connection: Connection<Node> | null | undefined;
  columns: Column<Node>[];
  rowKey: (node: Node) => string;
  pages: ReturnType<typeof usePages>;
  /** Plural, lower case: "users". */
  noun: string;
  searching?: boolean;
  busy?: boolean;
}) {
  return (
    <>
      <Table striped aria-label={label} aria-busy={busy}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column, index) => (
              <Table.Th key={index}>{column.header}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connection?.edges.map(({ node }) => (
            <Table.Tr key={rowKey(node)}>
              {columns.map((column, index) => (
                <Table.Td key={index}>{column.cell(node)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {connection?.totalCount === 0 && <Text c="dimmed">No {noun}{searching ? " match" : " yet"}.</Text>}
      <Pager pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} pages={pages} noun={noun} />
    </>
  );
}

export function ListPage<Node>({
  title,
  action,
  intro,
  list,
  error,
  connection,
  columns,
  rowKey,
  noun,
  busy,
  children,
}: {
  title: string;
  /** The create button, when the token may create. */
  action?: ReactNode;
  intro?: ReactNode;
  list: SearchedPages;
  error: CombinedError | undefined;
  connection: Connection<Node> | null | undefined;
  columns: Column<Node>[];
  rowKey: (node: Node) => string;
  noun: string;
  busy?: boolean;
  /** Dialogs the page opens. */
  children?: ReactNode;
}) {
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{title}</Title>
        {action}
      </Group>
      {intro}
      <SearchInput label={`Search ${noun}`} value={list.search} onChange={list.setSearch} />
      <ErrorAlert error={error} />
      <ConnectionTable label={title} connection={connection} columns={columns} rowKey={rowKey} pages={list.pages} noun={noun} searching={Boolean(list.settled)} busy={busy} />
      {children}
    </Stack>
  );
}
