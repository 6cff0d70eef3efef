-- Audit retention (issue 13, docs/events.md): events older than GATEHOUSE_AUDIT_RETENTION_DAYS are
-- deleted in batches (src/domain/audit-retention.ts). The change feed's horizon is the highest
-- feed position deleted so far: every feed event after it is still there, so a reader whose cursor
-- is at or after it misses nothing, and a reader whose cursor is before it is told to resync
-- (CURSOR_EXPIRED) rather than given a shorter history. One row; the statement that deletes
-- events raises it, so a reader sees the deletion and the horizon together.
CREATE TABLE "feed_horizon" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "position" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feed_horizon_pkey" PRIMARY KEY ("id")
);

INSERT INTO "feed_horizon" ("id") VALUES (1);
