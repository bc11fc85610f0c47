-- AlterTable
ALTER TABLE "workflow_runs" ADD COLUMN     "quota_held" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "user_usage" (
    "user_id" TEXT NOT NULL,
    "active_calls" INTEGER NOT NULL DEFAULT 0,
    "period_start" TIMESTAMP(3) NOT NULL,
    "period_seconds" INTEGER NOT NULL DEFAULT 0,
    "reconciled_at" TIMESTAMP(3),

    CONSTRAINT "user_usage_pkey" PRIMARY KEY ("user_id")
);

-- AddForeignKey
ALTER TABLE "user_usage" ADD CONSTRAINT "user_usage_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Runs live before the counters existed hold their slot.
UPDATE "workflow_runs" SET "quota_held" = true WHERE "state" IN ('initialized', 'running');

-- Counters of every user from the runs table (the control-plane reconciles them again at start).
INSERT INTO "user_usage" ("user_id", "active_calls", "period_start", "period_seconds", "reconciled_at")
SELECT u."id",
       (SELECT count(*) FROM "workflow_runs" r WHERE r."user_id" = u."id" AND r."state" IN ('initialized', 'running'))::int,
       date_trunc('month', now() AT TIME ZONE 'UTC'),
       COALESCE((SELECT sum(r."duration_seconds") FROM "workflow_runs" r
                 WHERE r."user_id" = u."id" AND r."created_at" >= date_trunc('month', now() AT TIME ZONE 'UTC')), 0)::int,
       now() AT TIME ZONE 'UTC'
FROM "users" u;
