/**
 * What a campaign is created with, and its bounds: the JSON body of `POST /campaigns`, or the same
 * settings as query parameters beside a CSV contact list (`text/csv` body).
 */
import { EndReason } from '@vr3/protocol';
import { z } from 'zod';
import { MAX_CALL_DURATION_S } from '../calls/outbound-call.ts';
import { ApiError } from '../errors.ts';
import { CallingWindow } from './window.ts';

/** Bounds of a campaign. */
export const CAMPAIGN_LIMITS = {
  /** Contacts in one campaign. */
  maxContacts: 10_000,
  /** Largest CSV body, in bytes (a JSON body is bounded by the API's 64 KiB). */
  maxCsvBytes: 2 * 1024 * 1024,
  /** Columns of a CSV list (`to` and the initial-context keys). */
  maxCsvColumns: 50,
  /** Highest dialling rate. */
  maxCallsPerSecond: 20,
  /** Lowest dialling rate: one call a minute. */
  minCallsPerSecond: 1 / 60,
  /** Highest `max_concurrent`. */
  maxConcurrent: 1_000,
  /** Most dials of one contact, the first included. */
  maxRetryAttempts: 10,
  /** Longest delay before a retry, in seconds (1 day). */
  maxRetryDelayS: 86_400,
} as const;

/** End reasons a campaign may retry on. */
export const RETRYABLE_END_REASONS = [EndReason.Busy, EndReason.NoAnswer] as const;

export const Retry = z.strictObject({
  on: z.array(z.enum(RETRYABLE_END_REASONS)).min(1).max(RETRYABLE_END_REASONS.length),
  attempts: z.number().int().min(1).max(CAMPAIGN_LIMITS.maxRetryAttempts),
  delay_s: z.number().int().min(0).max(CAMPAIGN_LIMITS.maxRetryDelayS),
});

/** Settings of a campaign, contacts apart. */
export const CampaignSettings = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  agent_uuid: z.string().min(1).max(64),
  telephony_configuration_id: z.string().min(1).max(64),
  from: z.string().max(64).optional(),
  calls_per_second: z.number().min(CAMPAIGN_LIMITS.minCallsPerSecond).max(CAMPAIGN_LIMITS.maxCallsPerSecond),
  max_concurrent: z.number().int().min(1).max(CAMPAIGN_LIMITS.maxConcurrent),
  max_duration_s: z.number().int().min(1).max(MAX_CALL_DURATION_S).optional(),
  retry: Retry.optional(),
  window: CallingWindow.optional(),
});
/** Validated {@link CampaignSettings}. */
export type CampaignSettings = z.infer<typeof CampaignSettings>;

/** One contact of a JSON list. */
export const ContactInput = z.strictObject({
  to: z.string().max(64),
  initial_context: z.record(z.string(), z.unknown()).optional(),
});

/** The JSON body of `POST /campaigns`. */
export const CreateCampaignBody = CampaignSettings.extend({
  contacts: z.array(ContactInput).min(1).max(CAMPAIGN_LIMITS.maxContacts),
});

/** Query parameters of a CSV upload, as text; every one maps to a settings field. */
export const CsvUploadQuery = z.strictObject({
  name: z.string().optional(),
  agent_uuid: z.string().optional(),
  telephony_configuration_id: z.string().optional(),
  from: z.string().optional(),
  calls_per_second: z.string().optional(),
  max_concurrent: z.string().optional(),
  max_duration_s: z.string().optional(),
  retry_on: z.string().optional(),
  retry_attempts: z.string().optional(),
  retry_delay_s: z.string().optional(),
  window_start: z.string().optional(),
  window_end: z.string().optional(),
  window_timezone: z.string().optional(),
  window_days: z.string().optional(),
});

/** `"5"`, `"0.5"` → a number; anything else is left as text for the schema to refuse. */
function numeric(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

const list = (value: string | undefined): string[] | undefined => (value === undefined ? undefined : value.split(',').map((s) => s.trim()));

/**
 * The settings of a CSV upload from its query parameters (`retry_on`, `retry_attempts`,
 * `retry_delay_s`; `window_start`, `window_end`, `window_timezone`, `window_days` with commas
 * between list items), validated as the JSON body is; 400 `validation_failed` naming the field.
 */
export function settingsFromQuery(raw: unknown): CampaignSettings {
  const parsed = CsvUploadQuery.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new ApiError('validation_failed', issue?.code === 'unrecognized_keys' ? `query: unknown parameter ${issue.keys.join(', ')}` : `query.${field}: must be given once`);
  }
  const q = parsed.data;
  const hasRetry = q.retry_on !== undefined || q.retry_attempts !== undefined || q.retry_delay_s !== undefined;
  const hasWindow = q.window_start !== undefined || q.window_end !== undefined || q.window_timezone !== undefined || q.window_days !== undefined;
  const settings = {
    name: q.name,
    agent_uuid: q.agent_uuid,
    telephony_configuration_id: q.telephony_configuration_id,
    from: q.from,
    calls_per_second: numeric(q.calls_per_second),
    max_concurrent: numeric(q.max_concurrent),
    max_duration_s: numeric(q.max_duration_s),
    retry: hasRetry ? { on: list(q.retry_on), attempts: numeric(q.retry_attempts), delay_s: numeric(q.retry_delay_s) } : undefined,
    window: hasWindow ? { start: q.window_start, end: q.window_end, timezone: q.window_timezone, days: list(q.window_days) } : undefined,
  };
  const result = CampaignSettings.safeParse(JSON.parse(JSON.stringify(settings)));
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = (issue?.path ?? []).map(String);
    const field = path[0] === 'retry' || path[0] === 'window' ? `${path[0]}_${path[1] ?? ''}` : path.join('.');
    throw new ApiError('validation_failed', `query.${field}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
