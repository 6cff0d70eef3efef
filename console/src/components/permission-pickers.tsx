// Pickers for permissions: the template's organization permissions and API resources' permissions.
import { MultiSelect } from "@mantine/core";
import { useQuery } from "urql";
import { graphql } from "../graphql.ts";

const OrganizationScopesForPicker = graphql(`
  query OrganizationScopesForPicker { organizationScopes(first: 100) { edges { node { id name } } } }
`);

const ResourceScopesForPicker = graphql(`
  query ResourceScopesForPicker {
    apiResources(first: 20) { edges { node { id name indicator scopes(first: 100) { edges { node { id name } } } } } }
  }
`);

interface Props {
  label: string;
  value: string[];
  onChange: (value: string[]) => void;
  description?: string;
  disabled?: boolean;
}

export function OrganizationScopePicker(props: Props) {
  const [{ data }] = useQuery({ query: OrganizationScopesForPicker });
  const options = data?.organizationScopes.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [];
  return <MultiSelect {...props} data={options} searchable nothingFoundMessage="No organization permissions yet" comboboxProps={{ withinPortal: false }} />;
}

/** API permissions, grouped by resource (its name and indicator). */
export function ResourceScopePicker({ excludeBuiltIn = false, ...props }: Props & { excludeBuiltIn?: boolean }) {
  const [{ data }] = useQuery({ query: ResourceScopesForPicker });
  const groups =
    data?.apiResources.edges
      .filter(({ node }) => !(excludeBuiltIn && node.indicator.startsWith("urn:gatehouse:")))
      .filter(({ node }) => node.scopes.edges.length > 0)
      .map(({ node }) => ({ group: `${node.name} (${node.indicator})`, items: node.scopes.edges.map(({ node: scope }) => ({ value: scope.id, label: scope.name })) })) ?? [];
  return <MultiSelect {...props} data={groups} searchable nothingFoundMessage="No API permissions yet" comboboxProps={{ withinPortal: false }} />;
}
