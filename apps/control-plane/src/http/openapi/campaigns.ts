/**
 * The response bodies of the campaign routes (http/campaigns.ts), as resources.ts describes the
 * others: what the OpenAPI document shows and the API tests check every campaign response against.
 */
import { z } from 'zod';
import { RETRYABLE_END_REASONS } from '../../campaigns/settings.ts';
import { CallingWindow } from '../../campaigns/window.ts';

const Instant = z.iso.datetime();
const Count = z.number().int().min(0);

export const CampaignProgress = z
  .strictObject({
    total: Count,
    queued: Count,
    dialling: Count,
    completed: Count,
    failed: Count,
    cancelled: Count,
    failed_by_reason: z.record(z.string(), Count).describe('failed contacts by the end reason of their last attempt'),
    dials: Count.describe('calls placed, retries included'),
  })
  .meta({ id: 'CampaignProgress' });

export const Campaign = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    state: z.enum(['running', 'paused', 'cancelled', 'completed']),
    paused_reason: z.string().nullable().describe('the error code that made the dialer pause it; null when paused by a person'),
    agent_uuid: z.string(),
    telephony_configuration_id: z.string(),
    from: z.string().nullable(),
    calls_per_second: z.number(),
    max_concurrent: z.number().int(),
    max_duration_s: z.number().int().nullable(),
    retry: z.strictObject({ on: z.array(z.enum(RETRYABLE_END_REASONS)), attempts: z.number().int(), delay_s: z.number().int() }).nullable(),
    window: CallingWindow.nullable(),
    progress: CampaignProgress,
    created_at: Instant,
    updated_at: Instant,
    ended_at: Instant.nullable(),
  })
  .meta({ id: 'Campaign' });
export const CampaignPage = z.strictObject({ data: z.array(Campaign), next_cursor: z.string().nullable() }).meta({ id: 'CampaignPage' });

export const CampaignContact = z
  .strictObject({
    id: z.string(),
    position: z.number().int().describe('1-based place in the list as given'),
    to: z.string(),
    initial_context: z.record(z.string(), z.unknown()),
    state: z.enum(['queued', 'dialling', 'completed', 'failed', 'cancelled']),
    attempts: Count,
    last_end_reason: z.string().nullable(),
    run_ids: z.array(z.string()),
    current_run_id: z.string().nullable(),
    next_attempt_at: Instant.nullable().describe('queued contacts: not dialled before this time'),
    updated_at: Instant,
  })
  .meta({ id: 'CampaignContact' });
export const CampaignContactPage = z.strictObject({ data: z.array(CampaignContact), next_cursor: z.string().nullable() }).meta({ id: 'CampaignContactPage' });
