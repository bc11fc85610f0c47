-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "role" "UserRole" NOT NULL DEFAULT 'member',
ADD COLUMN     "expires_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "api_keys_organization_id_created_at_idx" ON "api_keys"("organization_id", "created_at" DESC);

-- Keys created before roles were enforced keep what their user could do.
UPDATE "api_keys" k SET "role" = u."role" FROM "users" u WHERE u."id" = k."user_id";
