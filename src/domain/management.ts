// Gatehouse's own management API: its permissions, as an API resource like any other.

/** Management scopes and what each allows. `all` implies every other one. */
export const managementScopes = {
  all: "Everything the management API can do.",
  "organizations:read": "Read organizations, their members, applications and role assignments.",
  "organizations:write": "Create, change and delete organizations; manage their members, applications and roles.",
  "template:read": "Read the organization template: organization permissions and roles.",
  "template:write": "Change the organization template.",
  "resources:read": "Read API resources, their permissions and global roles.",
  "resources:write": "Change API resources, their permissions and global roles.",
  "users:read": "Read users and their identities.",
  "users:write": "Create, change and delete users; assign global roles to users.",
  "applications:read": "Read machine-to-machine applications.",
  "applications:write": "Create, change and delete applications, rotate their secrets, assign global roles to them.",
  "audit:read": "Read the audit log.",
  "webhooks:read": "Read webhook endpoints and their delivery log.",
  "webhooks:write": "Create, change, disable and delete webhook endpoints, rotate their signing secrets, redeliver events.",
} as const;

export type ManagementScope = keyof typeof managementScopes;

/** Whether `granted` (a token's scopes) allows the management scope `scope`. */
export function allowsManagementScope(granted: ReadonlySet<string>, scope: ManagementScope): boolean {
  return granted.has("all") || granted.has(scope);
}
