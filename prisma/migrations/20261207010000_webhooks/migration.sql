-- Customer webhooks (docs/webhooks.md): an agent's webhook URL and sealed signing secret, one row
-- per delivery attempt, and the trigger that queues a run's `run.started` / `run.ended` event in
-- the transaction that changes its state, whichever statement does it, so a crash loses no event.
ALTER TABLE "agents"
  ADD COLUMN "webhook_url" TEXT,
  ADD COLUMN "webhook_secret_ciphertext" TEXT;

CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "delivery_id" UUID NOT NULL,
    "run_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "next_attempt_at" TIMESTAMP(3),
    "awaiting_retry" BOOLEAN NOT NULL DEFAULT false,
    "delivered_at" TIMESTAMP(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "webhook_deliveries_delivery_id_attempt_key" ON "webhook_deliveries"("delivery_id", "attempt");
CREATE INDEX "webhook_deliveries_run_id_created_at_id_idx" ON "webhook_deliveries"("run_id", "created_at" DESC, "id" DESC);
-- The retry sweep's work list: failed attempts whose retry is not made yet, by due time.
CREATE INDEX "webhook_deliveries_retry_due_idx" ON "webhook_deliveries"("next_attempt_at") WHERE "awaiting_retry";

ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_run_id_fkey"
  FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A run moving `initialized` → `running` (run.started) or to `completed`/`failed` (run.ended),
-- of an agent with a webhook URL, gets a `webhook.deliver` job in `job_outbox` in the same
-- transaction. Its job id and tries are WEBHOOK_DELIVER_JOB in webhooks/policy.ts: 5 tries, 1 s
-- backoff, against database trouble (the receiver's failures are retried by the sweep instead).
CREATE FUNCTION "webhook_run_event"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  "event" TEXT;
  "delivery" UUID;
BEGIN
  IF OLD."state" = 'initialized' AND NEW."state" = 'running' THEN
    "event" := 'run.started';
  ELSIF OLD."state" IN ('initialized', 'running') AND NEW."state" IN ('completed', 'failed') THEN
    "event" := 'run.ended';
  ELSE
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM "agents" WHERE "id" = NEW."agent_id" AND "webhook_url" IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  "delivery" := gen_random_uuid();
  INSERT INTO "job_outbox" ("job_id", "name", "data", "attempts", "backoff_ms", "state", "created_at", "enqueued_at")
  VALUES (
    'webhook:' || "delivery"::text,
    'webhook.deliver',
    jsonb_build_object('delivery_id', "delivery"::text, 'event', "event", 'run_id', NEW."id"),
    5,
    1000,
    'pending',
    now() AT TIME ZONE 'UTC',
    now() AT TIME ZONE 'UTC'
  );
  RETURN NULL;
END;
$$;

CREATE TRIGGER "workflow_runs_webhook_events"
  AFTER UPDATE OF "state" ON "workflow_runs"
  FOR EACH ROW
  WHEN (OLD."state" IS DISTINCT FROM NEW."state")
  EXECUTE FUNCTION "webhook_run_event"();
