-- CreateEnum
CREATE TYPE "JobOutboxState" AS ENUM ('pending', 'relayed', 'done', 'failed');

-- CreateTable
CREATE TABLE "media_edges" (
    "id" TEXT NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL,
    "draining" BOOLEAN NOT NULL DEFAULT false,
    "run_ids" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_edges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_outbox" (
    "id" BIGSERIAL NOT NULL,
    "job_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL,
    "backoff_ms" INTEGER NOT NULL,
    "state" "JobOutboxState" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enqueued_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relayed_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "job_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "media_edges_last_seen_at_idx" ON "media_edges"("last_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "job_outbox_job_id_key" ON "job_outbox"("job_id");

-- CreateIndex
CREATE INDEX "job_outbox_state_id_idx" ON "job_outbox"("state", "id");

