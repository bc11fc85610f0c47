-- Campaigns: a contact list dialled through the outbound-call path at a set rate and concurrency,
-- with retries and calling hours; one row per contact tracks its dialling state and runs.
CREATE TYPE "CampaignState" AS ENUM ('running', 'paused', 'cancelled', 'completed');
CREATE TYPE "CampaignContactState" AS ENUM ('queued', 'dialling', 'completed', 'failed', 'cancelled');

CREATE TABLE "campaigns" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "agent_uuid" TEXT NOT NULL,
    "telephony_configuration_id" TEXT NOT NULL,
    "from_number" TEXT,
    "calls_per_second" DOUBLE PRECISION NOT NULL,
    "max_concurrent" INTEGER NOT NULL,
    "max_duration_s" INTEGER,
    "retry_on" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "retry_attempts" INTEGER NOT NULL DEFAULT 1,
    "retry_delay_s" INTEGER NOT NULL DEFAULT 0,
    "window" JSONB,
    "state" "CampaignState" NOT NULL DEFAULT 'running',
    "paused_reason" TEXT,
    "next_dial_at" TIMESTAMP(3) NOT NULL,
    "last_dial_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "ended_at" TIMESTAMP(3),

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "campaigns_calls_per_second_check" CHECK ("calls_per_second" > 0),
    CONSTRAINT "campaigns_max_concurrent_check" CHECK ("max_concurrent" > 0)
);

CREATE INDEX "campaigns_organization_id_created_at_id_idx" ON "campaigns"("organization_id", "created_at" DESC, "id" DESC);
CREATE INDEX "campaigns_state_idx" ON "campaigns"("state");

ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "campaign_contacts" (
    "id" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "to_number" TEXT NOT NULL,
    "initial_context" JSONB NOT NULL DEFAULT '{}',
    "state" "CampaignContactState" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_end_reason" TEXT,
    "run_ids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "current_run_id" TEXT,
    "next_attempt_at" TIMESTAMP(3) NOT NULL,
    "dial_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_contacts_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "campaign_contacts_campaign_id_position_key" ON "campaign_contacts"("campaign_id", "position");
CREATE INDEX "campaign_contacts_campaign_id_state_next_attempt_at_idx" ON "campaign_contacts"("campaign_id", "state", "next_attempt_at");
-- The dialer's reconcile reads every contact being dialled, across campaigns, on each tick.
CREATE INDEX "campaign_contacts_dialling_idx" ON "campaign_contacts"("current_run_id") WHERE "state" = 'dialling';

ALTER TABLE "campaign_contacts" ADD CONSTRAINT "campaign_contacts_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;
