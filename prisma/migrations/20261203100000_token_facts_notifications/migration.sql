-- Token facts (src/domain/tokens/facts.ts): every replica keeps the facts a token decision reads
-- (clients' secret hashes, resources, memberships, roles and what they grant) in memory, and drops
-- them when one of these tables changes. NOTIFY is sent after the commit of the changing
-- statement's transaction, once per transaction and channel (PostgreSQL folds identical
-- notifications), to every replica; a replica drops its own cache at once when it writes.
CREATE FUNCTION "gatehouse_notify_token_facts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_token_facts', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "users_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "applications_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "applications"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "api_resources_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "api_resources"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "resource_scopes_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "resource_scopes"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "roles_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "roles"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "role_scopes_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "role_scopes"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "user_roles_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "user_roles"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "application_roles_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "application_roles"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organization_scopes_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_scopes"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organization_roles_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_roles"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organization_role_scopes_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_role_scopes"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organization_role_resource_scopes_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_role_resource_scopes"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organizations_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organizations"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organization_memberships_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_memberships"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organization_user_roles_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_user_roles"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organization_applications_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_applications"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
CREATE TRIGGER "organization_application_roles_notify_token_facts" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organization_application_roles"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_token_facts"();
