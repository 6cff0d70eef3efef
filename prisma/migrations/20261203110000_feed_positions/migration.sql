-- The change feed's order (issue 11). `audit_events.id` is drawn at insert, not at commit: a
-- transaction holding id 7 can commit after another's id 8, so a reader that has seen 8 and asks
-- for "after 8" never sees 7. Feed events get a second number, `feed_position`, drawn at the end
-- of their transaction under a transaction-scoped advisory lock held until commit: a transaction
-- draws positions only after the previous holder has committed (or rolled back), so positions
-- become visible in strictly increasing order — the commit order — and reading
-- `feed_position > cursor` never skips one. Gaps (rolled-back transactions) are allowed.
-- Audit-only events (token grants and denials) have no position and never take the lock.

CREATE SEQUENCE "audit_events_feed_position_seq" AS BIGINT;

ALTER TABLE "audit_events" ADD COLUMN "feed_position" BIGINT;

-- Events recorded before this migration are all committed: they take positions in id order.
-- (Token grants and denials were the only audit-only events then, as the old trigger said.)
UPDATE "audit_events" AS e SET "feed_position" = ordered.n
FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS n FROM "audit_events" WHERE "action" NOT LIKE 'token.%') AS ordered
WHERE e."id" = ordered."id";

SELECT setval('"audit_events_feed_position_seq"', COALESCE((SELECT max("feed_position") FROM "audit_events"), 0) + 1, false);

-- Beyond Prisma: only feed events have a position (most rows are token events, which do not).
CREATE UNIQUE INDEX "audit_events_feed_position_key" ON "audit_events"("feed_position") WHERE "feed_position" IS NOT NULL;

-- `count` positions for the calling transaction's feed events, in increasing order. Call it as
-- the transaction's last step (src/domain/audit.ts does): the lock serializes only from here to
-- the commit. The key is the ASCII of "gatefeed".
CREATE FUNCTION "gatehouse_claim_feed_positions"("count" INTEGER) RETURNS SETOF BIGINT LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7449363237505951076);
  RETURN QUERY SELECT nextval('"audit_events_feed_position_seq"') FROM generate_series(1, "count");
END
$$;

-- Notifications become a doorbell: each replica reads the feed from the table, after the last
-- position it has read (src/changes.ts), so one lost notification (a listener reconnecting)
-- loses nothing. One notification per INSERT statement, with its highest position; events
-- without a position (audit-only) announce nothing.
DROP TRIGGER "audit_events_notify_change" ON "audit_events";
DROP FUNCTION "gatehouse_notify_change"();

CREATE FUNCTION "gatehouse_notify_feed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  "last" BIGINT;
BEGIN
  SELECT max("feed_position") INTO "last" FROM "inserted";
  IF "last" IS NOT NULL THEN
    PERFORM pg_notify('gatehouse_changes', json_build_object('position', "last"::text)::text);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "audit_events_notify_feed"
  AFTER INSERT ON "audit_events"
  REFERENCING NEW TABLE AS "inserted"
  FOR EACH STATEMENT
  EXECUTE FUNCTION "gatehouse_notify_feed"();
