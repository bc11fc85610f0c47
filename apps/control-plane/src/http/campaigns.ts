/**
 * Campaigns: `POST /campaigns` (a JSON body, or a CSV contact list as a `text/csv` body with the
 * settings in the query string), `GET /campaigns` (newest first, opaque cursor),
 * `GET /campaigns/{id}` (settings, state and progress), `GET /campaigns/{id}/contacts` (list order,
 * `state` filter), `POST /campaigns/{id}/pause|resume|cancel`. The dialer is `campaigns/dialer.ts`.
 * Other organizations' campaigns are 404.
 */
import express, { Router, type Request } from 'express';
import { getProvider } from '@vr3/providers';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { requireE164, resolveBoundRunTarget } from '../calls/outbound-call.ts';
import { contactsFromCsv, contactsFromJson, type Contact } from '../campaigns/contacts.ts';
import { CAMPAIGN_LIMITS, CreateCampaignBody, settingsFromQuery, type CampaignSettings } from '../campaigns/settings.ts';
import {
  cancelCampaign,
  campaignProgress,
  createCampaign,
  findCampaign,
  listCampaigns,
  listContacts,
  pauseCampaign,
  resumeCampaign,
  type CampaignProgress,
  type TransitionResult,
} from '../campaigns/store.ts';
import { ApiError } from '../errors.ts';
import type { Campaign, CampaignContact } from '../generated/prisma/client.ts';
import { decodeCursor, encodeCursor, pageQuery, timeCursorAfter, timeCursorPosition } from './cursor.ts';
import { principal, validate } from './middleware.ts';

/** Page size bounds of `GET /campaigns` and `GET /campaigns/{id}/contacts`. */
export const CAMPAIGN_PAGE = { default: 50, max: 200 } as const;

const CONTACT_STATES = ['queued', 'dialling', 'completed', 'failed', 'cancelled'] as const;
export const ListCampaignsQuery = pageQuery(CAMPAIGN_PAGE.max);
export const ListContactsQuery = pageQuery(CAMPAIGN_PAGE.max).extend({ state: z.enum(CONTACT_STATES).optional() });
const PositionCursor = z.object({ p: z.number().int().min(0) });

/** REST shape of a campaign with its progress. */
export function campaignView(row: Campaign, progress: CampaignProgress) {
  const retries = row.retryOn.length > 0 && row.retryAttempts > 1;
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    paused_reason: row.pausedReason,
    agent_uuid: row.agentUuid,
    telephony_configuration_id: row.telephonyConfigurationId,
    from: row.fromNumber,
    calls_per_second: row.callsPerSecond,
    max_concurrent: row.maxConcurrent,
    max_duration_s: row.maxDurationS,
    retry: retries ? { on: row.retryOn, attempts: row.retryAttempts, delay_s: row.retryDelayS } : null,
    window: row.window,
    progress,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    ended_at: row.endedAt?.toISOString() ?? null,
  };
}

/** REST shape of a campaign contact. */
export function contactView(row: CampaignContact) {
  return {
    id: row.id,
    position: row.position,
    to: row.toNumber,
    initial_context: row.initialContext,
    state: row.state,
    attempts: row.attempts,
    last_end_reason: row.lastEndReason,
    run_ids: row.runIds,
    current_run_id: row.currentRunId,
    next_attempt_at: row.state === 'queued' ? row.nextAttemptAt.toISOString() : null,
    updated_at: row.updatedAt.toISOString(),
  };
}

const notFound = () => new ApiError('campaign_not_found', 'campaign not found');

/** The settings and contacts of a create request, by its content type. */
function createInput(req: Request): { settings: CampaignSettings; contacts: Contact[] } {
  if (req.is('text/csv')) {
    const settings = settingsFromQuery(req.query);
    if (typeof req.body !== 'string') throw new ApiError('validation_failed', 'body: a CSV contact list is required');
    return { settings, contacts: contactsFromCsv(req.body) };
  }
  if (req.is('application/json')) {
    if (Object.keys(req.query).length > 0) throw new ApiError('validation_failed', 'query: settings go in the JSON body (query parameters are for a text/csv upload)');
    const { contacts, ...settings } = validate(CreateCampaignBody, req.body);
    return { settings, contacts: contactsFromJson(contacts) };
  }
  throw new ApiError('unsupported_media_type', 'content-type: must be application/json or text/csv');
}

/** The campaign routes. */
export function campaignRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  const csvBody = express.text({ type: 'text/csv', limit: CAMPAIGN_LIMITS.maxCsvBytes });

  const find = async (organizationId: string, id: string): Promise<Campaign> => {
    const row = await findCampaign(ctx.prisma, organizationId, id);
    if (!row) throw notFound();
    return row;
  };
  const view = async (row: Campaign) => campaignView(row, (await campaignProgress(ctx.pool, [row.id])).get(row.id)!);

  router.post('/campaigns', csvBody, async (req, res) => {
    const me = principal(res);
    const { settings, contacts } = createInput(req);
    const from = settings.from === undefined ? undefined : requireE164('from', settings.from);
    // What the dialer will need, checked now: the agent, the configuration and its provider's support.
    await resolveBoundRunTarget(ctx, me.organizationId, { agentUuid: settings.agent_uuid, telephonyConfigurationId: settings.telephony_configuration_id }, (configuration) => {
      const placeCall = getProvider(configuration.provider)?.placeCall;
      if (!placeCall) throw new ApiError('outbound_not_supported', `${configuration.provider}: placing calls is not supported for this provider`);
      if (placeCall.requiresFrom && from === undefined) throw new ApiError('from_required', `from: ${configuration.provider} needs a caller id to place a call`);
    });
    const id = await createCampaign(ctx.pool, me.organizationId, settings, contacts);
    ctx.logger.info({ campaign_id: id, contacts: contacts.length, calls_per_second: settings.calls_per_second, max_concurrent: settings.max_concurrent, by_api_key_id: me.apiKeyId }, 'campaign created');
    res.status(201).json(await view(await find(me.organizationId, id)));
  });

  router.get('/campaigns', async (req, res) => {
    const query = validate(ListCampaignsQuery, req.query);
    const page = await listCampaigns(ctx.prisma, principal(res).organizationId, { limit: query.limit ?? CAMPAIGN_PAGE.default, after: timeCursorPosition(query.cursor) });
    const progress = await campaignProgress(ctx.pool, page.rows.map((r) => r.id));
    res.json({ data: page.rows.map((r) => campaignView(r, progress.get(r.id)!)), next_cursor: page.next ? timeCursorAfter(page.next) : null });
  });

  router.get('/campaigns/:campaign_id', async (req, res) => {
    res.json(await view(await find(principal(res).organizationId, req.params.campaign_id)));
  });

  router.get('/campaigns/:campaign_id/contacts', async (req, res) => {
    const campaign = await find(principal(res).organizationId, req.params.campaign_id);
    const query = validate(ListContactsQuery, req.query);
    const page = await listContacts(ctx.prisma, campaign.id, {
      limit: query.limit ?? CAMPAIGN_PAGE.default,
      afterPosition: query.cursor === undefined ? undefined : decodeCursor(PositionCursor, query.cursor).p,
      state: query.state,
    });
    res.json({ data: page.rows.map(contactView), next_cursor: page.next === null ? null : encodeCursor({ p: page.next }) });
  });

  /** A state change: 200 with the campaign (also when it already was there), 409 once it ended. */
  const change = (action: 'pause' | 'resume' | 'cancel', run: (organizationId: string, id: string) => Promise<TransitionResult>, already: Campaign['state']) => {
    router.post(`/campaigns/:campaign_id/${action}`, async (req, res) => {
      const me = principal(res);
      const result = await run(me.organizationId, req.params.campaign_id);
      if (!result.found) throw notFound();
      if (!result.changed && result.state !== already) throw new ApiError('campaign_ended', `campaign is ${result.state}: it cannot ${action}`);
      if (result.changed) ctx.logger.info({ campaign_id: req.params.campaign_id, action, by_api_key_id: me.apiKeyId }, 'campaign state changed');
      res.json(await view(await find(me.organizationId, req.params.campaign_id)));
    });
  };
  change('pause', (org, id) => pauseCampaign(ctx.pool, org, id), 'paused');
  change('resume', (org, id) => resumeCampaign(ctx.pool, org, id), 'running');
  change('cancel', (org, id) => cancelCampaign(ctx.pool, org, id), 'cancelled');

  return router;
}
