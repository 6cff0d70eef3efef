// The organization permissions Gatehouse's own organization operations require. `gatehouse seed`
// puts them in the template; admins may change which roles hold them, and the operations keep
// naming the same permissions.
export const organizationPermissions = {
  "read:organization": "Read the organization: its profile, branding and MFA requirement.",
  "manage:organization": "Change the organization's profile and branding.",
  "read:members": "List the members, their roles, and the template's roles and permissions.",
  "invite:members": "Invite people to join the organization.",
  "remove:members": "Remove members from the organization.",
  "assign:roles": "Give members roles, and take roles away.",
  "read:applications": "List the machine-to-machine applications of the organization.",
} as const;

export type OrganizationPermission = keyof typeof organizationPermissions;
