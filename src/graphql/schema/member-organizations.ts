// The organizations a user or an M2M application belongs to, seen from its side, with its roles
// there. Management readers and the member itself may read them; the member's token holds no
// scope that reads Organization or OrganizationRole, so the nodes show summaries of both.
import { canSeeMembershipsOf, guardedByParent } from "../auth/rules.js";
import { builder } from "../builder.js";
import { heldRoles } from "../held-roles.js";
import { SEARCH_DESCRIPTION, searchWhere } from "../search.js";
import { Application } from "./applications.js";
import { User } from "./users.js";

const OrganizationSummary = builder.prismaObject("Organization", {
  variant: "OrganizationSummary",
  description: "An organization's name, as its members see it from their side.",
  auth: guardedByParent,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
  }),
});

const OrganizationRoleSummary = builder.prismaObject("OrganizationRole", {
  variant: "OrganizationRoleSummary",
  description: "An organization role's name, as its holders see it from their side.",
  auth: guardedByParent,
  fields: (t) => ({ id: t.exposeID("id"), name: t.exposeString("name") }),
});

const UserOrganization = builder.prismaObject("OrganizationMembership", {
  variant: "UserOrganization",
  description: "An organization the user belongs to, with the user's roles there.",
  auth: canSeeMembershipsOf("user", (membership: { userId: string }) => membership.userId),
  fields: (t) => ({
    organization: t.relation("organization", { type: OrganizationSummary }),
    roles: t.field(heldRoles(OrganizationRoleSummary)),
    joinedAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const ApplicationOrganization = builder.prismaObject("OrganizationApplication", {
  variant: "ApplicationOrganization",
  description: "An organization the application belongs to, with the application's roles there.",
  auth: canSeeMembershipsOf("application", (membership: { applicationId: string }) => membership.applicationId),
  fields: (t) => ({
    organization: t.relation("organization", { type: OrganizationSummary }),
    roles: t.field(heldRoles(OrganizationRoleSummary)),
    joinedAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

/** Both lists' `search`: the organization's name or description, or its exact id (as `organizations(search:)`). */
const SEARCH_ORGANIZATIONS = `${SEARCH_DESCRIPTION} Matches the organization's name and description.`;
const organizationMatching = (search: string | null | undefined) => {
  const where = searchWhere(search, ["name", "description"]);
  return where.OR ? { organization: where } : {};
};

builder.prismaObjectFields(User, (t) => ({
  organizations: t.relatedConnection("memberships", {
    type: UserOrganization,
    cursor: "organizationId_userId",
    nullable: true,
    description: "The organizations the user belongs to, oldest membership first, with the user's roles in each.",
    auth: canSeeMembershipsOf("user", (user: { id: string }) => user.id),
    totalCount: true,
    args: { search: t.arg.string({ description: SEARCH_ORGANIZATIONS }) },
    query: (args) => ({ where: organizationMatching(args.search), orderBy: [{ createdAt: "asc" }, { organizationId: "asc" }] }),
  }),
}));

builder.prismaObjectFields(Application, (t) => ({
  organizations: t.relatedConnection("organizations", {
    type: ApplicationOrganization,
    cursor: "organizationId_applicationId",
    nullable: true,
    description: "The organizations the application belongs to, oldest membership first, with its roles in each.",
    auth: canSeeMembershipsOf("application", (application: { id: string }) => application.id),
    totalCount: true,
    args: { search: t.arg.string({ description: SEARCH_ORGANIZATIONS }) },
    query: (args) => ({ where: organizationMatching(args.search), orderBy: [{ createdAt: "asc" }, { organizationId: "asc" }] }),
  }),
}));
