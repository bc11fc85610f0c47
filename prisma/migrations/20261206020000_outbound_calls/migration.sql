-- Outbound calls: a run placed through the provider waits for its stream with a single-use,
-- expiring stream token (stored as its SHA-256 hash), tracks the provider's dial status and call
-- id, and accepts provider status callbacks carrying its callback secret (stored hashed).
ALTER TABLE "workflow_runs"
  ADD COLUMN "stream_token_hash" TEXT,
  ADD COLUMN "stream_token_expires_at" TIMESTAMP(3),
  ADD COLUMN "stream_token_used_at" TIMESTAMP(3),
  ADD COLUMN "dial_status" TEXT,
  ADD COLUMN "provider_call_id" TEXT,
  ADD COLUMN "callback_secret_hash" TEXT;

CREATE UNIQUE INDEX "workflow_runs_stream_token_hash_key" ON "workflow_runs"("stream_token_hash");
