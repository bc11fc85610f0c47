-- CreateTable
CREATE TABLE "service_credentials" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "base_url" TEXT,
    "api_key_ciphertext" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "service_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "service_credentials_organization_id_created_at_id_idx" ON "service_credentials"("organization_id", "created_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "service_credentials" ADD CONSTRAINT "service_credentials_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
