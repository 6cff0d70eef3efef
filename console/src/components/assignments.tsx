// Who is in an organization with which roles: its members (users) and its machine-to-machine
// applications are one list and one assignment dialog, parameterised by the kind of subject.
import { Badge, Button, Group, Text } from "@mantine/core";
import { useState } from "react";
import { needsScopes } from "../errors.ts";
import { useCan } from "../auth/context.tsx";
import { FormDialog, type Progress } from "./common.tsx";
import { type Column, type Connection, RowActions, SearchableList, type SearchedPages } from "./list-page.tsx";
import { ApplicationPicker, OrganizationRolePicker, type PickerProps, type RoleType, UserPicker } from "./pickers.tsx";

/** A kind of subject that joins organizations with roles of its type. */
export interface SubjectKind {
  /** Plural, lower case: "members". */
  noun: string;
  /** "Add members". */
  addLabel: string;
  /** The picker's label: "Users". */
  pickerLabel: string;
  pickerDescription?: string;
  Picker: (props: PickerProps) => React.JSX.Element;
  /** The management scope that lists the candidates. */
  pickerScope: string;
  roleType: RoleType;
  rolesDescription: string;
}

export const userSubjects: SubjectKind = {
  noun: "members",
  addLabel: "Add members",
  pickerLabel: "Users",
  pickerDescription: "Search by name, email or username; choose several.",
  Picker: UserPicker,
  pickerScope: "users:read",
  roleType: "USER",
  rolesDescription: "Every user added gets these roles; none is fine too.",
};

export const applicationSubjects: SubjectKind = {
  noun: "applications",
  addLabel: "Add applications",
  pickerLabel: "Applications",
  pickerDescription: "Search by name or description; choose several.",
  Picker: ApplicationPicker,
  pickerScope: "applications:read",
  roleType: "MACHINE_TO_MACHINE",
  rolesDescription: "Machine-to-machine roles of the template; none is fine too.",
};

/** One row: the subject's id and name, and its roles here. */
export interface Assignment {
  id: string;
  label: string;
  roles: readonly { id: string; name: string }[];
  permissions: readonly string[];
}

export function AssignmentList<Node>({
  subjects,
  label,
  list,
  connection,
  error,
  who,
  assignmentOf,
  writable,
  add,
  setRoles,
  remove,
  saving,
}: {
  subjects: SubjectKind;
  /** The table's name. */
  label: string;
  list: SearchedPages;
  connection: Connection<Node> | null | undefined;
  error?: Progress["error"];
  /** The first column: who they are (a link to their page). */
  who: Column<Node>;
  assignmentOf: (node: Node) => Assignment;
  writable: boolean;
  /** Adds subjects with roles; true when it worked. */
  add: (ids: string[], roleIds: string[]) => Promise<boolean>;
  /** Replaces one subject's roles; true when it worked. */
  setRoles: (id: string, roleIds: string[]) => Promise<boolean>;
  remove: (id: string) => void;
  saving: Progress | Progress[];
}) {
  const can = useCan();
  const [editing, setEditing] = useState<Assignment | "new" | null>(null);
  // Adding needs the candidates' list too; without it the button says what is missing.
  const mayPick = can(subjects.pickerScope);
  return (
    <>
      <SearchableList
        label={label}
        noun={subjects.noun}
        list={list}
        connection={connection}
        error={error}
        rowKey={(node) => assignmentOf(node).id}
        action={
          writable && (
            <Group gap="xs">
              {!mayPick && <Text size="xs" c="dimmed">{needsScopes([subjects.pickerScope])} to add {subjects.noun}.</Text>}
              <Button onClick={() => setEditing("new")} disabled={!mayPick}>{subjects.addLabel}</Button>
            </Group>
          )
        }
        columns={[
          who,
          {
            header: "Roles",
            cell: (node) => {
              const { roles } = assignmentOf(node);
              return <Group gap={4}>{roles.length ? roles.map((role) => <Badge key={role.id} variant="light">{role.name}</Badge>) : <Text size="sm" c="dimmed">No roles</Text>}</Group>;
            },
          },
          { header: "Permissions here", cell: (node) => <Text size="sm">{assignmentOf(node).permissions.join(", ")}</Text> },
          {
            header: null,
            cell: (node) => {
              if (!writable) return null;
              const assignment = assignmentOf(node);
              return (
                <RowActions
                  actions={[
                    { label: "Edit roles", name: `Edit roles of ${assignment.label}`, onClick: () => setEditing(assignment) },
                    { label: "Remove", name: `Remove ${assignment.label}`, onClick: () => remove(assignment.id), danger: true },
                  ]}
                />
              );
            },
          },
        ]}
      />
      {editing && (
        <AssignmentDialog
          subjects={subjects}
          assignment={editing === "new" ? undefined : editing}
          progress={saving}
          onClose={() => setEditing(null)}
          onSubmit={async (ids, roleIds) => {
            const done = editing === "new" ? await add(ids, roleIds) : await setRoles(editing.id, roleIds);
            if (done) setEditing(null);
          }}
        />
      )}
    </>
  );
}

/** Adds subjects with roles (no assignment yet), or changes one subject's roles. */
function AssignmentDialog({ subjects, assignment, progress, onClose, onSubmit }: {
  subjects: SubjectKind;
  assignment: Assignment | undefined;
  progress: Progress | Progress[];
  onClose: () => void;
  onSubmit: (ids: string[], roleIds: string[]) => Promise<void>;
}) {
  const [ids, setIds] = useState<string[]>([]);
  const [roleIds, setRoleIds] = useState<string[]>(assignment?.roles.map((role) => role.id) ?? []);
  const { Picker } = subjects;
  return (
    <FormDialog
      title={assignment ? `Roles of ${assignment.label}` : subjects.addLabel}
      size="lg"
      onClose={onClose}
      onSubmit={() => onSubmit(assignment ? [assignment.id] : ids, roleIds)}
      submitLabel={assignment ? "Save roles" : "Add"}
      progress={progress}
      disabled={!assignment && ids.length === 0}
    >
      {!assignment && <Picker label={subjects.pickerLabel} {...(subjects.pickerDescription ? { description: subjects.pickerDescription } : {})} value={ids} onChange={setIds} />}
      <OrganizationRolePicker type={subjects.roleType} label="Roles" {...(assignment ? {} : { description: subjects.rolesDescription })} value={roleIds} onChange={setRoleIds} />
    </FormDialog>
  );
}
