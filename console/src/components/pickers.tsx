// Multi-selects fed by the API, one kind for every list: the options are a query's first page,
// asked again with `search` as the user types (so a long list is never cut at its first page), and a
// chosen value keeps its label when a new search drops it. The dropdown renders inside the dialog
// (withinPortal: false), so its options belong to that dialog for assistive technology and tests alike.
import { MultiSelect } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useRef, useState } from "react";
import { type AnyVariables, type TypedDocumentNode, useQuery } from "urql";
import { graphql } from "../graphql.ts";

/** How many options a picker shows for one search. */
const OPTIONS = 50;

const UsersForPicker = graphql(`
  query UsersForPicker($search: String, $first: Int!) {
    users(search: $search, first: $first) { edges { node { id name username primaryEmail } } }
  }
`);

const ApplicationsForPicker = graphql(`
  query ApplicationsForPicker($search: String, $first: Int!) {
    applications(search: $search, first: $first) { edges { node { id name } } }
  }
`);

const OrganizationRolesForPicker = graphql(`
  query OrganizationRolesForPicker($search: String, $first: Int!, $type: RoleType) {
    organizationRoles(search: $search, first: $first, type: $type) { edges { node { id name } } }
  }
`);

const GlobalRolesForPicker = graphql(`
  query GlobalRolesForPicker($search: String, $first: Int!, $type: RoleType) {
    globalRoles(search: $search, first: $first, type: $type) { edges { node { id name } } }
  }
`);

const OrganizationScopesForPicker = graphql(`
  query OrganizationScopesForPicker($search: String, $first: Int!) {
    organizationScopes(search: $search, first: $first) { edges { node { id name } } }
  }
`);

const ResourceScopesForPicker = graphql(`
  query ResourceScopesForPicker($search: String, $first: Int!) {
    apiResources(first: 20) { edges { node { id name indicator scopes(search: $search, first: $first) { edges { node { id name } } } } } }
  }
`);

interface Option {
  value: string;
  label: string;
  /** The heading it is listed under. */
  group?: string;
}

export interface PickerProps {
  label: string;
  value: string[];
  onChange: (value: string[]) => void;
  description?: string;
  disabled?: boolean;
}

type SearchVariables = { search?: string | null; first: number };

function SearchingPicker<Data, Variables extends AnyVariables & SearchVariables>({
  query,
  variables,
  options: toOptions,
  nothingFound,
  ...props
}: PickerProps & {
  query: TypedDocumentNode<Data, Variables>;
  /** The query's variables for a search (undefined: none yet). */
  variables: (search: SearchVariables) => Variables;
  options: (data: Data) => Option[];
  nothingFound: string;
}) {
  const [search, setSearch] = useState("");
  const [settled] = useDebouncedValue(search, 250);
  const [{ data }] = useQuery<Data, Variables>({ query, variables: variables({ search: settled || undefined, first: OPTIONS }), pause: props.disabled });
  const options = data ? toOptions(data) : [];
  const known = useRef(new Map<string, Option>());
  for (const option of options) known.current.set(option.value, option);
  const shown = [...options];
  for (const id of props.value) if (!options.some((option) => option.value === id)) shown.push(known.current.get(id) ?? { value: id, label: id });
  return (
    <MultiSelect
      {...props}
      data={grouped(shown)}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server searched already: every option it sent matches.
      filter={({ options: all }) => all}
      nothingFoundMessage={nothingFound}
      comboboxProps={{ withinPortal: false }}
    />
  );
}

/** Mantine's data: plain options, or groups when the options name theirs. */
function grouped(options: Option[]) {
  if (!options.some((option) => option.group)) return options.map(({ value, label }) => ({ value, label }));
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const { value, label, group = "" } of options) groups.set(group, [...(groups.get(group) ?? []), { value, label }]);
  return [...groups].map(([group, items]) => ({ group, items }));
}

export function userLabel(user: { name: string | null; username: string | null; primaryEmail: string | null; id: string }): string {
  return user.name ?? user.username ?? user.primaryEmail ?? user.id;
}

export function UserPicker(props: PickerProps) {
  return (
    <SearchingPicker
      {...props}
      query={UsersForPicker}
      variables={(search) => search}
      options={(data) => data.users.edges.map(({ node }) => ({ value: node.id, label: node.primaryEmail && node.name ? `${node.name} (${node.primaryEmail})` : userLabel(node) }))}
      nothingFound="No user matches"
    />
  );
}

export function ApplicationPicker(props: PickerProps) {
  return (
    <SearchingPicker
      {...props}
      query={ApplicationsForPicker}
      variables={(search) => search}
      options={(data) => data.applications.edges.map(({ node }) => ({ value: node.id, label: node.name }))}
      nothingFound="No application matches"
    />
  );
}

export type RoleType = "USER" | "MACHINE_TO_MACHINE";

export function OrganizationRolePicker({ type, ...props }: PickerProps & { type: RoleType }) {
  return (
    <SearchingPicker
      {...props}
      query={OrganizationRolesForPicker}
      variables={(search) => ({ ...search, type })}
      options={(data) => data.organizationRoles.edges.map(({ node }) => ({ value: node.id, label: node.name }))}
      nothingFound="No role of this type in the template matches"
    />
  );
}

export function GlobalRolePicker({ type, ...props }: PickerProps & { type: RoleType }) {
  return (
    <SearchingPicker
      {...props}
      query={GlobalRolesForPicker}
      variables={(search) => ({ ...search, type })}
      options={(data) => data.globalRoles.edges.map(({ node }) => ({ value: node.id, label: node.name }))}
      nothingFound="No global role of this type matches"
    />
  );
}

export function OrganizationScopePicker(props: PickerProps) {
  return (
    <SearchingPicker
      {...props}
      query={OrganizationScopesForPicker}
      variables={(search) => search}
      options={(data) => data.organizationScopes.edges.map(({ node }) => ({ value: node.id, label: node.name }))}
      nothingFound="No organization permission matches"
    />
  );
}

/** API permissions, grouped by resource (its name and indicator). */
export function ResourceScopePicker(props: PickerProps) {
  return (
    <SearchingPicker
      {...props}
      query={ResourceScopesForPicker}
      variables={(search) => search}
      options={(data) =>
        data.apiResources.edges.flatMap(({ node: resource }) =>
          resource.scopes.edges.map(({ node }) => ({ value: node.id, label: node.name, group: `${resource.name} (${resource.indicator})` })),
        )
      }
      nothingFound="No API permission matches"
    />
  );
}
