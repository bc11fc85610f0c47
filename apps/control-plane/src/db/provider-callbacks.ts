/**
 * Provider status callbacks of run-bound runs (placed calls, attached streams): what the callback route needs of the run, and the
 * one statement that records a callback on it (`logs.provider_callbacks`, bounded; the latest
 * status in `dial_status`; the provider's call id when it was not known yet).
 */
import { query, sql, type SqlRunner } from './sql.ts';

/** Callbacks kept per run in `logs.provider_callbacks`; later ones are counted in `logs.provider_callbacks_dropped`. */
export const MAX_PROVIDER_CALLBACKS = 50;

/** Statuses that end a call: they update `dial_status` whenever they arrive (others only while the run waits). */
const FINAL_STATUSES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
/** Stream status events (Vobiz/Plivo, lower-cased): recorded, never a dial status (the stream is not the call). */
const STREAM_EVENTS = ['startstream', 'playedstream', 'stopstream', 'droppedstream'];

/** The run a callback names. */
export interface CallbackRun {
  id: string;
  mode: string;
  state: string;
  agentUuid: string;
  telephonyConfigurationId: string | null;
  callbackSecretHash: string | null;
}

/** The run `runId` as the callback route checks it, `undefined` when there is none. */
export async function findCallbackRun(pool: SqlRunner, runId: string): Promise<CallbackRun | undefined> {
  const rows = await query<CallbackRun>(
    pool,
    sql`SELECT "id", "mode", "state"::text AS "state", "agent_uuid" AS "agentUuid",
      "telephony_configuration_id" AS "telephonyConfigurationId", "callback_secret_hash" AS "callbackSecretHash"
      FROM "workflow_runs" WHERE "id" = ${runId}`,
  );
  return rows[0];
}

/** One callback as recorded on the run. */
export interface CallbackEntry {
  at: string;
  status: string | null;
  call_id: string | null;
  duration_s: number | null;
  disconnected_by: string | null;
  recording_url: string | null;
  fields: Record<string, string>;
}

/**
 * Appends `entry` to `logs.provider_callbacks` (past {@link MAX_PROVIDER_CALLBACKS} only counts it),
 * sets `dial_status` to its status (a progress status such as `ringing` only while the run waits:
 * providers do not promise order; a stream event never) and `provider_call_id` when unset — in one statement, whatever
 * the run's state (a callback for an ended run is recorded, never reopens it). Returns the run's state.
 */
export async function recordProviderCallback(pool: SqlRunner, runId: string, entry: CallbackEntry): Promise<string | undefined> {
  const rows = await query<{ state: string }>(
    pool,
    sql`
    UPDATE "workflow_runs" SET
      "logs" = CASE
        WHEN jsonb_array_length(COALESCE("logs" -> 'provider_callbacks', '[]'::jsonb)) >= ${MAX_PROVIDER_CALLBACKS}::int
          THEN jsonb_set("logs", '{provider_callbacks_dropped}', to_jsonb(COALESCE(("logs" ->> 'provider_callbacks_dropped')::int, 0) + 1))
        ELSE jsonb_set("logs", '{provider_callbacks}', COALESCE("logs" -> 'provider_callbacks', '[]'::jsonb) || jsonb_build_array(${JSON.stringify(entry)}::jsonb))
      END,
      "dial_status" = CASE WHEN ${entry.status}::text = ANY(${STREAM_EVENTS}::text[]) THEN "dial_status"
        WHEN "state" = 'initialized' OR ${entry.status}::text = ANY(${FINAL_STATUSES}::text[])
        THEN COALESCE(${entry.status}::text, "dial_status") ELSE "dial_status" END,
      "provider_call_id" = COALESCE("provider_call_id", ${entry.call_id}::text)
    WHERE "id" = ${runId}
    RETURNING "state"::text AS "state"`,
  );
  return rows[0]?.state;
}
