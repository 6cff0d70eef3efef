-- Change notifications (DESIGN §6): every replica learns of a committed change through
-- PostgreSQL LISTEN/NOTIFY. NOTIFY is transactional: a rolled-back change announces nothing, and
-- a committed one is announced after its commit, once.

-- Every audit event but token grants and denials is a change: subscriptions (organizationChanged,
-- templateChanged) are fed from here. The payload stays small (NOTIFY allows 8000 bytes); the
-- event's data stays in the table.
CREATE FUNCTION "gatehouse_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_changes', json_build_object(
    'id', NEW."id"::text,
    'at', NEW."at",
    'action', NEW."action",
    'organizationId', NEW."organization_id",
    'targetType', NEW."target_type",
    'targetId', NEW."target_id"
  )::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER "audit_events_notify_change"
  AFTER INSERT ON "audit_events"
  FOR EACH ROW WHEN (NEW."action" NOT LIKE 'token.%')
  EXECUTE FUNCTION "gatehouse_notify_change"();

-- A created, rotated or deleted signing key: every replica reloads its key cache at once.
CREATE FUNCTION "gatehouse_notify_signing_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_signing_keys', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "signing_keys_notify"
  AFTER INSERT OR UPDATE OR DELETE ON "signing_keys"
  FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_notify_signing_keys"();
