// Multi-selects fed by the API: the dropdown renders inside the dialog (withinPortal: false), so
// its options belong to that dialog for assistive technology and tests alike.
import { MultiSelect } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useRef, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../graphql.ts";

const UsersForPicker = graphql(`
  query UsersForPicker($search: String) {
    users(search: $search, first: 50) { edges { node { id name username primaryEmail } } }
  }
`);

const ApplicationsForPicker = graphql(`
  query ApplicationsForPicker($search: String) {
    applications(search: $search, first: 50) { edges { node { id name } } }
  }
`);

const OrganizationRolesForPicker = graphql(`
  query OrganizationRolesForPicker($type: RoleType) {
    organizationRoles(type: $type, first: 100) { edges { node { id name type } } }
  }
`);

const GlobalRolesForPicker = graphql(`
  query GlobalRolesForPicker($type: RoleType) {
    globalRoles(type: $type, first: 100) { edges { node { id name type } } }
  }
`);

interface PickerProps {
  label: string;
  value: string[];
  onChange: (value: string[]) => void;
  description?: string;
}

/** Labels of options once seen, so a chosen value keeps its label when a new search drops it. */
function useKnownLabels(options: { value: string; label: string }[]) {
  const known = useRef(new Map<string, string>());
  for (const option of options) known.current.set(option.value, option.label);
  return known.current;
}

function SearchingMultiSelect({ label, value, onChange, description, options, onSearch }: PickerProps & { options: { value: string; label: string }[]; onSearch: (text: string) => void }) {
  const known = useKnownLabels(options);
  const data = [...options];
  for (const id of value) if (!options.some((option) => option.value === id)) data.push({ value: id, label: known.get(id) ?? id });
  return (
    <MultiSelect
      label={label}
      description={description}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      filter={({ options: all }) => all}
      onSearchChange={onSearch}
      nothingFoundMessage="Nothing found"
      comboboxProps={{ withinPortal: false }}
    />
  );
}

export function userLabel(user: { name: string | null; username: string | null; primaryEmail: string | null; id: string }): string {
  return user.name ?? user.username ?? user.primaryEmail ?? user.id;
}

export function UserPicker(props: PickerProps) {
  const [search, setSearch] = useState("");
  const [settled] = useDebouncedValue(search, 250);
  const [{ data }] = useQuery({ query: UsersForPicker, variables: { search: settled || undefined } });
  const options = data?.users.edges.map(({ node }) => ({ value: node.id, label: node.primaryEmail && node.name ? `${node.name} (${node.primaryEmail})` : userLabel(node) })) ?? [];
  return <SearchingMultiSelect {...props} options={options} onSearch={setSearch} />;
}

export function ApplicationPicker(props: PickerProps) {
  const [search, setSearch] = useState("");
  const [settled] = useDebouncedValue(search, 250);
  const [{ data }] = useQuery({ query: ApplicationsForPicker, variables: { search: settled || undefined } });
  const options = data?.applications.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [];
  return <SearchingMultiSelect {...props} options={options} onSearch={setSearch} />;
}

export function OrganizationRolePicker(props: PickerProps & { type: "USER" | "MACHINE_TO_MACHINE" }) {
  const [{ data }] = useQuery({ query: OrganizationRolesForPicker, variables: { type: props.type } });
  const options = data?.organizationRoles.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [];
  return (
    <MultiSelect
      label={props.label}
      description={props.description}
      data={options}
      value={props.value}
      onChange={props.onChange}
      searchable
      nothingFoundMessage="No roles of this type in the template"
      comboboxProps={{ withinPortal: false }}
    />
  );
}

export function GlobalRolePicker(props: PickerProps & { type: "USER" | "MACHINE_TO_MACHINE" }) {
  const [{ data }] = useQuery({ query: GlobalRolesForPicker, variables: { type: props.type } });
  const options = data?.globalRoles.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [];
  return (
    <MultiSelect
      label={props.label}
      description={props.description}
      data={options}
      value={props.value}
      onChange={props.onChange}
      searchable
      nothingFoundMessage="No global roles of this type"
      comboboxProps={{ withinPortal: false }}
    />
  );
}
