-- Call recordings (docs/recordings.md): an agent's opt-in, and on each run where its two-channel WAV
-- is kept, its size and format, and when the retention sweep deleted it.
ALTER TABLE "agents" ADD COLUMN "recording_enabled" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "workflow_runs"
  ADD COLUMN "recording_key" TEXT,
  ADD COLUMN "recording_bytes" BIGINT,
  ADD COLUMN "recording_duration_ms" INTEGER,
  ADD COLUMN "recording_channels" INTEGER,
  ADD COLUMN "recording_sample_rate" INTEGER,
  ADD COLUMN "recording_stored_at" TIMESTAMP(3),
  ADD COLUMN "recording_deleted_at" TIMESTAMP(3);

-- The retention sweep's work list: recordings still kept, oldest first.
CREATE INDEX "workflow_runs_recording_retention_idx" ON "workflow_runs"("recording_stored_at")
  WHERE "recording_key" IS NOT NULL AND "recording_deleted_at" IS NULL;
