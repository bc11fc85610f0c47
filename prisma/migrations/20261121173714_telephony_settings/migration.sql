-- AlterTable
ALTER TABLE "telephony_configurations" ADD COLUMN     "settings" JSONB NOT NULL DEFAULT '{}';
