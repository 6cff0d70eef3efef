-- Each audit event records the version of its data's shape, from the event catalogue
-- (src/domain/events.ts). Events recorded before the catalogue are version 0.
ALTER TABLE "audit_events" ADD COLUMN "data_version" SMALLINT NOT NULL DEFAULT 0;
