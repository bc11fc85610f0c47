import { RunState, TERMINAL_RUN_STATES } from '@vr3/protocol';
import { query, sql, type SqlRunner } from '../db/sql.ts';

/**
 * A call as the live-calls stream shows it: who it is for (organization, agent), where it runs
 * (provider, edge), the numbers, and where it is in its life. The numbers are personal data: they
 * go to the organization's authenticated principals only, never to a log.
 */
export interface LiveCallView {
  id: string;
  name: string;
  state: RunState;
  /** `inbound` or `outbound`. */
  call_type: string;
  /** The telephony provider (`cloudonix`, `twilio`, …). */
  provider: string;
  agent: { uuid: string; name: string };
  caller_number: string | null;
  called_number: string | null;
  /** The media-edge holding the call; null while an outbound call is still dialling. */
  edge_id: string | null;
  /** Outbound calls: the provider's last dial status. */
  dial_status: string | null;
  created_at: string;
  /** When the provider's `start` was accepted (the duration counts from here); null before. */
  started_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  duration_seconds: number | null;
}

/** A call and the organization it belongs to (the feed's subject); the organization is not part of the view. */
export interface OrganizationCall {
  organizationId: string;
  call: LiveCallView;
}

interface LiveCallRow {
  id: string;
  name: string;
  organization_id: string;
  state: RunState;
  call_type: string;
  mode: string;
  agent_uuid: string;
  agent_name: string;
  caller_number: unknown;
  called_number: unknown;
  edge_id: string | null;
  dial_status: string | null;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
  duration_seconds: number | null;
}

const COLUMNS = sql`
  r."id", r."name", r."organization_id", r."state"::text AS "state", r."call_type", r."mode",
  r."agent_uuid", a."name" AS "agent_name",
  r."initial_context" -> 'caller_number' AS "caller_number", r."initial_context" -> 'called_number' AS "called_number",
  r."edge_id", r."dial_status", r."created_at", r."started_at", r."ended_at", r."end_reason", r."duration_seconds"
  FROM "workflow_runs" r JOIN "agents" a ON a."id" = r."agent_id"`;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function viewOf(row: LiveCallRow): LiveCallView {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    call_type: row.call_type,
    provider: row.mode,
    agent: { uuid: row.agent_uuid, name: row.agent_name },
    caller_number: text(row.caller_number),
    called_number: text(row.called_number),
    edge_id: row.edge_id,
    dial_status: row.dial_status,
    created_at: row.created_at.toISOString(),
    started_at: iso(row.started_at),
    ended_at: iso(row.ended_at),
    end_reason: row.end_reason,
    duration_seconds: row.duration_seconds,
  };
}

/** True once the call has ended (`completed` or `failed`). */
export function isEnded(call: Pick<LiveCallView, 'state'>): boolean {
  return TERMINAL_RUN_STATES.includes(call.state);
}

/** Most live calls a snapshot lists: past it the snapshot says `truncated`. */
export const SNAPSHOT_LIMIT = 1000;

/** The organization's live calls (`initialized` or `running`), oldest first, at most `limit` (one more tells whether there were more). */
export async function findLiveCalls(runner: SqlRunner, organizationId: string, limit = SNAPSHOT_LIMIT): Promise<{ calls: LiveCallView[]; truncated: boolean }> {
  const rows = await query<LiveCallRow>(
    runner,
    sql`SELECT ${COLUMNS}
        WHERE r."organization_id" = ${organizationId} AND r."state" IN (${RunState.Initialized}::"RunState", ${RunState.Running}::"RunState")
        ORDER BY r."created_at", r."id"
        LIMIT ${limit + 1}`,
  );
  return { calls: rows.slice(0, limit).map(viewOf), truncated: rows.length > limit };
}

/** One run as a live call, with its organization; undefined when there is no such run. */
export async function findCall(runner: SqlRunner, runId: string): Promise<OrganizationCall | undefined> {
  const rows = await query<LiveCallRow>(runner, sql`SELECT ${COLUMNS} WHERE r."id" = ${runId}`);
  const row = rows[0];
  return row ? { organizationId: row.organization_id, call: viewOf(row) } : undefined;
}

/** The organization of a run; undefined when there is no such run. */
export async function organizationOfRun(runner: SqlRunner, runId: string): Promise<string | undefined> {
  const rows = await query<{ organization_id: string }>(runner, sql`SELECT "organization_id" FROM "workflow_runs" WHERE "id" = ${runId}`);
  return rows[0]?.organization_id;
}
