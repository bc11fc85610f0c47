-- The provider session a running run streams (`session_id`, else the call SID), set with the move
-- to `running`: one live run per session and telephony configuration, enforced by the index.
ALTER TABLE "workflow_runs" ADD COLUMN "session_key" TEXT;

CREATE UNIQUE INDEX "workflow_runs_live_session_key" ON "workflow_runs" ("telephony_configuration_id", "session_key")
  WHERE "session_key" IS NOT NULL AND "state" IN ('initialized', 'running');
