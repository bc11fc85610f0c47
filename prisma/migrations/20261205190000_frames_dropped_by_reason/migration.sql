-- AlterTable
ALTER TABLE "workflow_runs" ADD COLUMN "frames_dropped_by_reason" JSONB;
