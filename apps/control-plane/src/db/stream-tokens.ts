/**
 * Run-bound stream tokens of outbound calls and attached streams. Placing a call (or attaching a
 * stream to a live one) mints its run and a single-use, expiring token (only its SHA-256 hash is
 * stored); the stream URL given to the provider carries the token, and the stream that presents it
 * attaches to that run instead of minting one.
 * Claiming is one conditional UPDATE, so two streams never both claim a token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { query, sql, type SqlRunner } from './sql.ts';

/** Query parameter of a run-bound stream URL carrying its token (the Twilio path form carries it as a third segment). */
export const STREAM_TOKEN_PARAM = 'stream_token';

/** A new random token (stream token or callback secret): 32 bytes, base64url (43 characters). */
export function generateRunToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a token: the only form stored. Tokens are high-entropy, so no salt or KDF is needed. */
export function hashRunToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `token` hashes to `storedHash`, compared in constant time. */
export function runTokenMatches(token: string, storedHash: string | null): boolean {
  if (storedHash === null) return false;
  const a = Buffer.from(hashRunToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The run a stream token was claimed for. */
export interface ClaimedRun {
  id: string;
  name: string;
  state: string;
  agentUuid: string;
  agentId: string;
  agentVersionId: string;
  organizationId: string;
  userId: string;
  mode: string;
  telephonyConfigurationId: string | null;
  initialContext: Record<string, unknown>;
  /** The call's duration limit given when it was placed, in seconds. */
  maxDurationS: number | null;
}

/**
 * Claims `token` for a stream of `stream.edgeId` to agent `stream.agentUuid` on `stream.provider`:
 * marks it used and returns its run, in one statement — `undefined` (and nothing touched) when no
 * run of that agent and provider has that token unused and unexpired. The edge is stamped on the run only
 * while it is still `initialized`; a claimed run in any other state is the caller's to refuse.
 */
export async function claimStreamToken(pool: SqlRunner, token: string, stream: { agentUuid: string; provider: string; edgeId: string }, now: Date = new Date()): Promise<ClaimedRun | undefined> {
  const rows = await query<ClaimedRun>(
    pool,
    sql`
    UPDATE "workflow_runs" SET
      "stream_token_used_at" = ${now}::timestamp(3),
      "edge_id" = CASE WHEN "state" = 'initialized' THEN ${stream.edgeId} ELSE "edge_id" END
    WHERE "stream_token_hash" = ${hashRunToken(token)}
      AND "agent_uuid" = ${stream.agentUuid} AND "mode" = ${stream.provider}
      AND "stream_token_used_at" IS NULL
      AND "stream_token_expires_at" > ${now}::timestamp(3)
    RETURNING "id", "name", "state"::text AS "state", "agent_uuid" AS "agentUuid", "agent_id" AS "agentId",
      "agent_version_id" AS "agentVersionId", "organization_id" AS "organizationId", "user_id" AS "userId",
      "mode", "telephony_configuration_id" AS "telephonyConfigurationId", "initial_context" AS "initialContext",
      ("logs" -> 'outbound' ->> 'max_duration_s')::int AS "maxDurationS"`,
  );
  return rows[0];
}

/** What a run-bound run stores besides the run itself. */
export interface OutboundBinding {
  streamTokenHash: string;
  streamTokenExpiresAt: Date;
  callbackSecretHash: string;
  dialStatus: string;
  /** `outbound` (a call VR3 places; the default) or `inbound` (a stream attached to a call that already exists). */
  callType?: 'outbound' | 'inbound' | undefined;
  /** The provider's id of the call, when it is known before anything is asked of the provider (attach). */
  providerCallId?: string | undefined;
}

/** Binds a freshly minted run to its stream token and callback secret, and sets its call type. */
export async function bindOutboundRun(pool: SqlRunner, runId: string, binding: OutboundBinding): Promise<void> {
  await query(
    pool,
    sql`
    UPDATE "workflow_runs" SET "call_type" = ${binding.callType ?? 'outbound'}, "stream_token_hash" = ${binding.streamTokenHash},
      "stream_token_expires_at" = ${binding.streamTokenExpiresAt}::timestamp(3), "callback_secret_hash" = ${binding.callbackSecretHash},
      "dial_status" = ${binding.dialStatus}, "provider_call_id" = COALESCE(${binding.providerCallId ?? null}::text, "provider_call_id")
    WHERE "id" = ${runId}`,
  );
}

/**
 * Whether `token` is the unused, unexpired stream token of run `runId` (for the run-bound answer
 * URL, which hands the token on to the stream URL without claiming it).
 */
export async function streamTokenValid(pool: SqlRunner, runId: string, token: string, now: Date = new Date()): Promise<boolean> {
  const rows = await query<{ hash: string | null }>(
    pool,
    sql`SELECT "stream_token_hash" AS "hash" FROM "workflow_runs"
      WHERE "id" = ${runId} AND "stream_token_used_at" IS NULL AND "stream_token_expires_at" > ${now}::timestamp(3) AND "state" = 'initialized'`,
  );
  return runTokenMatches(token, rows[0]?.hash ?? null);
}
