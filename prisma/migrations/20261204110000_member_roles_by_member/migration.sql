-- A page of members (or applications) reads their role links with
--   organization_id IN (<the organization, once per member>) AND user_id IN (<the members>)
-- (how Prisma loads a relation on a two-column key). The primary key starts with organization_id:
-- for a planner each (organization, member) combination of the two lists is a probe, so past a
-- few hundred thousand links it scanned the whole table instead (425 ms for one page among a
-- million links, against 1.4 ms with these indexes). Led by the member, each page costs one probe
-- per member; they also serve "the roles of this user (application)" everywhere else.
CREATE INDEX "organization_user_roles_user_id_organization_id_idx" ON "organization_user_roles"("user_id", "organization_id");
CREATE INDEX "organization_application_roles_application_id_organization__idx" ON "organization_application_roles"("application_id", "organization_id");
