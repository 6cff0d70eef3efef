// The one role and permission editor: the template's organization permissions and roles, an API
// resource's permissions and the global roles are each a list of this file with its own queries
// and mutations. A permission is a name and a description; a role is a name, a description, a
// type (for users or for machine-to-machine applications) and the permissions it holds.
import { Badge, Button, SegmentedControl, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useId, useState } from "react";
import { useCan } from "../auth/context.tsx";
import { needsScopes } from "../errors.ts";
import { FormDialog, type Progress } from "./common.tsx";
import { type Connection, RowActions, SearchableList, type SearchedPages } from "./list-page.tsx";
import { OrganizationScopePicker, ResourceScopePicker, type RoleType } from "./pickers.tsx";

export const roleTypeLabel: Record<RoleType, string> = { USER: "User", MACHINE_TO_MACHINE: "Machine-to-machine" };

/** Create (no item) or edit (the item), or nothing open. */
type Editing<Item> = { item?: Item } | null;

export interface Permission {
  id: string;
  name: string;
  description: string | null;
}

export interface PermissionValues {
  name: string;
  description: string | null;
}

/** What a list of this editor takes from its page: the rows, the token's rights, and the mutations. */
interface EditorProps<Item, Values> {
  list: SearchedPages;
  connection: Connection<Item> | null | undefined;
  error?: Progress["error"];
  /** Whether the token may create, change and delete them. */
  writable: boolean;
  /** Creates (no item) or saves; true when it worked. */
  save: (item: Item | undefined, values: Values) => Promise<boolean>;
  saving: Progress | Progress[];
  remove: (item: Item) => void;
}

export function PermissionList({ label, createTitle, nameHint, ...editor }: EditorProps<Permission, PermissionValues> & {
  /** The table's name: "Organization permissions", "Permissions". */
  label: string;
  /** The create dialog's title: "Create organization permission". */
  createTitle: string;
  /** An example name: "invite:users". */
  nameHint: string;
}) {
  const [editing, setEditing] = useState<Editing<Permission>>(null);
  return (
    <>
      <SearchableList
        label={label}
        noun="permissions"
        list={editor.list}
        connection={editor.connection}
        error={editor.error}
        rowKey={(node) => node.id}
        action={editor.writable && <Button onClick={() => setEditing({})}>Create permission</Button>}
        columns={[
          { header: "Name", cell: (node) => <code>{node.name}</code> },
          { header: "Description", cell: (node) => node.description },
          { header: null, cell: (node) => editor.writable && <RowActions actions={editActions(node, setEditing, editor.remove)} /> },
        ]}
      />
      {editing && (
        <PermissionDialog
          title={editing.item ? `Edit permission ${editing.item.name}` : createTitle}
          permission={editing.item}
          nameHint={nameHint}
          progress={editor.saving}
          onClose={() => setEditing(null)}
          onSubmit={async (values) => (await editor.save(editing.item, values)) && setEditing(null)}
        />
      )}
    </>
  );
}

function editActions<Item extends { name: string }>(item: Item, edit: (editing: Editing<Item>) => void, remove: (item: Item) => void) {
  return [
    { label: "Edit", name: `Edit ${item.name}`, onClick: () => edit({ item }) },
    { label: "Delete", name: `Delete ${item.name}`, onClick: () => remove(item), danger: true },
  ];
}

function PermissionDialog({ title, permission, nameHint, progress, onClose, onSubmit }: {
  title: string;
  permission: Permission | undefined;
  nameHint: string;
  progress: Progress | Progress[];
  onClose: () => void;
  onSubmit: (values: PermissionValues) => Promise<unknown>;
}) {
  const [name, setName] = useState(permission?.name ?? "");
  const [description, setDescription] = useState(permission?.description ?? "");
  return (
    <FormDialog title={title} onClose={onClose} onSubmit={() => onSubmit({ name, description: description || null })} submitLabel={permission ? "Save" : "Create"} progress={progress}>
      <TextInput label="Name" description={`Such as ${nameHint}`} required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
      <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} />
    </FormDialog>
  );
}

export interface Role {
  id: string;
  name: string;
  description: string | null;
  type: RoleType;
  /** Organization roles only. */
  organizationScopes?: readonly { id: string; name: string }[];
  resourceScopes: readonly { id: string; name: string; resource: { id: string; name: string } }[];
}

export interface RoleValues {
  name: string;
  description: string | null;
  type: RoleType;
  organizationScopeIds: string[];
  resourceScopeIds: string[];
}

/** Organization roles ("organization role", with organization permissions) or global roles ("global role", API permissions only). */
export function RoleList({ noun, createLabel, label, withOrganizationPermissions, type, onTypeChange, ...editor }: EditorProps<Role, RoleValues> & {
  /** "organization role", "global role": the dialogs' titles say it. */
  noun: string;
  createLabel: string;
  /** The table's name. */
  label: string;
  withOrganizationPermissions: boolean;
  /** The type filter: a type, or "ALL". */
  type: RoleType | "ALL";
  onTypeChange: (type: RoleType | "ALL") => void;
}) {
  const [editing, setEditing] = useState<Editing<Role>>(null);
  return (
    <>
      <SearchableList
        label={label}
        noun="roles"
        list={editor.list}
        connection={editor.connection}
        error={editor.error}
        rowKey={(node) => node.id}
        filters={
          <SegmentedControl
            aria-label="Role type"
            value={type}
            onChange={(value) => onTypeChange(value as RoleType | "ALL")}
            data={[{ value: "ALL", label: "All" }, ...roleTypeOptions]}
          />
        }
        action={editor.writable && <Button onClick={() => setEditing({})}>{createLabel}</Button>}
        columns={[
          {
            header: "Name",
            cell: (node) => (
              <>
                <Text fw={500}>{node.name}</Text>
                {node.description && <Text size="xs" c="dimmed">{node.description}</Text>}
              </>
            ),
          },
          { header: "Type", cell: (node) => <Badge variant="outline">{roleTypeLabel[node.type]}</Badge> },
          ...(withOrganizationPermissions
            ? [{ header: "Organization permissions", cell: (node: Role) => <Text size="sm">{node.organizationScopes?.map((scope) => scope.name).join(", ")}</Text> }]
            : []),
          { header: "API permissions", cell: (node) => <Text size="sm">{node.resourceScopes.map((scope) => `${scope.resource.name}: ${scope.name}`).join(", ")}</Text> },
          { header: null, cell: (node) => editor.writable && <RowActions actions={editActions(node, setEditing, editor.remove)} /> },
        ]}
      />
      {editing && (
        <RoleDialog
          title={editing.item ? `Edit ${noun} ${editing.item.name}` : `Create ${noun}`}
          role={editing.item}
          withOrganizationPermissions={withOrganizationPermissions}
          progress={editor.saving}
          onClose={() => setEditing(null)}
          onSubmit={async (values) => (await editor.save(editing.item, values)) && setEditing(null)}
        />
      )}
    </>
  );
}

const roleTypeOptions = (Object.keys(roleTypeLabel) as RoleType[]).map((value) => ({ value, label: roleTypeLabel[value] }));

function RoleDialog({ title, role, withOrganizationPermissions, progress, onClose, onSubmit }: {
  title: string;
  role: Role | undefined;
  withOrganizationPermissions: boolean;
  progress: Progress | Progress[];
  onClose: () => void;
  onSubmit: (values: RoleValues) => Promise<unknown>;
}) {
  const typeLabel = useId();
  // The API permissions to choose from are the API resources' list.
  const readsResources = useCan()("resources:read");
  const [name, setName] = useState(role?.name ?? "");
  const [description, setDescription] = useState(role?.description ?? "");
  const [type, setType] = useState<RoleType>(role?.type ?? "USER");
  const [organizationScopeIds, setOrganizationScopeIds] = useState(role?.organizationScopes?.map((scope) => scope.id) ?? []);
  const [resourceScopeIds, setResourceScopeIds] = useState(role?.resourceScopes.map((scope) => scope.id) ?? []);
  const submit = () => onSubmit({ name, description: description || null, type, organizationScopeIds, resourceScopeIds });
  return (
    <FormDialog title={title} size="lg" onClose={onClose} onSubmit={submit} submitLabel={role ? "Save" : "Create"} progress={progress}>
      <TextInput label="Name" description="Such as admin" required value={name} onChange={(event) => setName(event.currentTarget.value)} data-autofocus />
      <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} />
      <Stack gap={4}>
        <Text size="sm" fw={500} id={typeLabel}>Type</Text>
        <SegmentedControl aria-labelledby={typeLabel} value={type} onChange={(value) => setType(value as RoleType)} data={roleTypeOptions} />
      </Stack>
      {withOrganizationPermissions && <OrganizationScopePicker label="Organization permissions" value={organizationScopeIds} onChange={setOrganizationScopeIds} />}
      <ResourceScopePicker
        label="API permissions"
        value={resourceScopeIds}
        onChange={setResourceScopeIds}
        disabled={!readsResources}
        {...(readsResources ? {} : { description: needsScopes(["resources:read"]) })}
      />
    </FormDialog>
  );
}

type Outcome = Promise<{ data?: unknown }>;

/**
 * Creates a role with its permissions, or saves an existing role and then its permissions (two
 * mutations, each one transaction). True when everything worked.
 */
export async function saveRole(
  existing: Role | undefined,
  values: RoleValues,
  steps: { create: (values: RoleValues) => Outcome; update: (id: string, values: RoleValues) => Outcome; setPermissions: (id: string, values: RoleValues) => Outcome },
): Promise<boolean> {
  if (!existing) return Boolean((await steps.create(values)).data);
  if (!(await steps.update(existing.id, values)).data) return false;
  return Boolean((await steps.setPermissions(existing.id, values)).data);
}
