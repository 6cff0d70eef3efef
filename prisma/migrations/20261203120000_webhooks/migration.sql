-- Webhooks (issue 11, docs/webhooks.md): endpoints, and one delivery row per (event, matching
-- endpoint) that is the outbox while pending and the delivery log afterwards.
CREATE TYPE "webhook_delivery_status" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

CREATE TABLE "webhook_endpoints" (
    "id" TEXT NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "description" VARCHAR(256),
    "event_types" TEXT[],
    "organization_id" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" VARCHAR(32),
    "secret_encrypted" TEXT NOT NULL,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "endpoint_id" TEXT NOT NULL,
    "event_id" BIGINT NOT NULL,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "claim" TEXT,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" VARCHAR(512),
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- Pages of endpoints, oldest first; due deliveries; an endpoint's log, newest first; cascades
-- from a deleted event; retention by age.
CREATE INDEX "webhook_endpoints_created_at_id_idx" ON "webhook_endpoints"("created_at", "id");
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");
CREATE INDEX "webhook_deliveries_endpoint_id_id_idx" ON "webhook_deliveries"("endpoint_id", "id");
CREATE INDEX "webhook_deliveries_event_id_idx" ON "webhook_deliveries"("event_id");
CREATE INDEX "webhook_deliveries_created_at_idx" ON "webhook_deliveries"("created_at");

ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "audit_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The outbox is written where the event is recorded: in the statement that inserts audit events,
-- so in the change's own transaction, one set-based INSERT … SELECT for all the statement's events
-- (one event or the thousands of a template change) and the enabled endpoints that match each.
-- Endpoints name catalogue event types exactly (never by pattern), and the management API accepts
-- only change-feed types, so token grants and denials never match. The NOTIFY wakes the delivery
-- workers of every replica once the transaction commits.
CREATE FUNCTION "gatehouse_webhook_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "webhook_deliveries" ("endpoint_id", "event_id")
  SELECT e."id", a."id"
  FROM "inserted_audit_events" a
  JOIN "webhook_endpoints" e
    ON e."enabled"
   AND e."event_types" @> ARRAY[a."action"::text]
   AND (e."organization_id" IS NULL OR e."organization_id" = a."organization_id");
  IF FOUND THEN
    PERFORM pg_notify('gatehouse_webhooks', '');
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "audit_events_webhook_outbox"
  AFTER INSERT ON "audit_events"
  REFERENCING NEW TABLE AS "inserted_audit_events"
  FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_webhook_outbox"();
