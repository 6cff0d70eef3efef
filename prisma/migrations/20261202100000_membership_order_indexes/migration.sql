-- Lists of members (applications) and of a user's (application's) organizations are ordered by
-- (created_at, id) and paged by keyset; without these indexes every page sorted the whole
-- organization (or all of a user's memberships). The user_id index is a prefix of the new one.
-- Plain CREATE INDEX (migrations run in a transaction): on a large table it blocks writes to it
-- while it builds.

DROP INDEX "organization_memberships_user_id_idx";

CREATE INDEX "organization_memberships_organization_id_created_at_user_id_idx" ON "organization_memberships"("organization_id", "created_at", "user_id");

CREATE INDEX "organization_memberships_user_id_created_at_organization_id_idx" ON "organization_memberships"("user_id", "created_at", "organization_id");

CREATE INDEX "organization_applications_organization_id_created_at_applic_idx" ON "organization_applications"("organization_id", "created_at", "application_id");

CREATE INDEX "organization_applications_application_id_created_at_organiz_idx" ON "organization_applications"("application_id", "created_at", "organization_id");
