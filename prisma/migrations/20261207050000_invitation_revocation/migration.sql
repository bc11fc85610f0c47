-- An admin may revoke an invitation before it is accepted: its token then no longer accepts.
ALTER TABLE "user_invitations" ADD COLUMN "revoked_at" TIMESTAMP(3);
