/**
 * The campaign dialer: two jobs on the control-plane's job queue.
 *
 * - `campaigns.tick`, scheduled every `campaignTickMs` (once per period for the fleet in the
 *   distributed mode): settles the contacts whose run ended (completed, failed, or queued again per
 *   the campaign's retry policy — read from the runs table, so no run end is missed whoever ended
 *   it), completes finished campaigns, recovers claims whose dial job was lost, then gives the due
 *   contacts of every running campaign their slots for the next `1.5 × campaignTickMs` and queues one
 *   `campaign.dial` job per claimed contact.
 * - `campaign.dial` (durable: it survives a restart) waits for its contact's slot, then for the
 *   campaign's rate gate (its previous dial at least `1/calls_per_second` ago, whatever the timers'
 *   lateness), and places the call with `placeOutboundCall` (the run's `logs.outbound` names the campaign, contact and attempt).
 *   A quota refusal puts the contact back in the queue for later (the attempt is not counted); a
 *   campaign that cannot dial at all (agent archived, configuration gone…) is paused with the error
 *   code as its `paused_reason`; a number the provider path refuses fails that contact.
 */
import type { ControlPlaneContext } from '../context.ts';
import { placeOutboundCall } from '../calls/outbound-call.ts';
import { ApiError } from '../errors.ts';
import { z } from 'zod';
import {
  claimDueContacts,
  completeFinishedCampaigns,
  dialerHasWork,
  failClaim,
  findClaimedContact,
  findPlacedRun,
  recordClaimRun,
  recoverStaleClaims,
  releaseClaim,
  settleEndedRuns,
  takeDialTurn,
  type Claim,
} from './dialer-store.ts';
import { dialIntervalMs } from './pacing.ts';
import { pauseCampaign } from './store.ts';

/** Job names of the campaign dialer. */
export const CampaignJob = {
  /** Repeatable: settles ended runs, gives slots, queues dials. */
  Tick: 'campaigns.tick',
  /** Places the call of one claimed contact at its slot. */
  Dial: 'campaign.dial',
} as const;

/** Tunables of the dialer that are not operator settings. */
export const DIALER_DEFAULTS = {
  /** Slots are given this many tick periods ahead, so a late tick leaves no gap in the pacing. */
  horizonTicks: 1.5,
  /** A contact refused for quota (or for want of a public URL) is tried again this much later, in milliseconds. */
  retryLaterMs: 5_000,
  /** A claim still without a run this long after its slot is recovered (its dial job was lost), in milliseconds. */
  staleClaimMs: 120_000,
  /** Tries of a dial job that fails on something other than an API refusal (the database). */
  dialAttempts: 3,
} as const;

/** Refusals that say nothing about the contact and pass: try it again later. */
const TRY_LATER = new Set<string>(['quota_exceeded', 'public_url_unknown']);
/** Refusals about the contact's number: that contact fails. */
const CONTACT_REFUSALS = new Set<string>(['invalid_phone_number']);

const DialData = z.object({ contact_id: z.string(), attempt: z.number().int().min(1) });

/** Waits for the rate gate before a dial job gives up this try (and is retried). */
const MAX_GATE_WAITS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the dialer's jobs and schedules its tick. */
export async function registerCampaignJobs(ctx: ControlPlaneContext): Promise<void> {
  const log = ctx.logger.child({ component: 'campaigns' });
  const tickMs = ctx.config.campaignTickMs;
  const horizonMs = Math.round(tickMs * DIALER_DEFAULTS.horizonTicks);

  const queueDial = (claim: Claim): Promise<boolean> =>
    ctx.jobs.enqueue(CampaignJob.Dial, { contact_id: claim.contactId, attempt: claim.attempt }, {
      jobId: `${CampaignJob.Dial}:${claim.contactId}:${claim.attempt}`,
      attempts: DIALER_DEFAULTS.dialAttempts,
      backoffMs: ctx.config.providerActionBackoffMs,
    });

  ctx.jobs.process(CampaignJob.Tick, async () => {
    if (!(await dialerHasWork(ctx.pool))) return;
    const now = new Date();
    const settled = await settleEndedRuns(ctx.pool, now);
    const recovered = await recoverStaleClaims(ctx.pool, now, DIALER_DEFAULTS.staleClaimMs);
    if (recovered > 0) log.warn({ contacts: recovered }, 'campaign claims without a dial recovered');
    const completed = await completeFinishedCampaigns(ctx.pool, now);
    const claims = await claimDueContacts(ctx.pool, now, horizonMs);
    for (const claim of claims) {
      // A claim whose job cannot be queued is recovered later (`staleClaimMs`).
      await queueDial(claim).catch((err: unknown) => log.warn({ err, contact_id: claim.contactId }, 'cannot queue a campaign dial'));
    }
    if (settled + completed + claims.length > 0) log.debug({ settled, completed, claimed: claims.length }, 'campaign tick');
  });

  ctx.jobs.process(CampaignJob.Dial, async (raw, job) => {
    const data = DialData.parse(raw);
    const contactLog = log.child({ contact_id: data.contact_id, attempt: data.attempt });
    const claimed = await findClaimedContact(ctx.pool, data.contact_id);
    if (!claimed || claimed.state !== 'dialling' || claimed.attempts !== data.attempt || claimed.currentRunId !== null) return;
    const wait = (claimed.dialAt?.getTime() ?? 0) - Date.now();
    // Never longer than a horizon: a slot further away is not one this dialer gave.
    if (wait > 0) await sleep(Math.min(wait, horizonMs));
    let contact = (await findClaimedContact(ctx.pool, data.contact_id)) ?? claimed;
    let dialledAt = new Date();
    for (let turn = 0; contact.campaignState === 'running'; turn++) {
      const gate = await takeDialTurn(ctx.pool, contact.campaignId, dialIntervalMs(contact.callsPerSecond));
      if (gate.ok) {
        dialledAt = gate.at;
        break;
      }
      if (turn >= MAX_GATE_WAITS) {
        // Dials of this campaign are crowding each other (many replicas, late timers): give the slot back.
        await releaseClaim(ctx.pool, contact.id, data.attempt, { state: 'queued', nextAttemptAt: new Date() });
        return;
      }
      await sleep(gate.waitMs);
      contact = (await findClaimedContact(ctx.pool, data.contact_id)) ?? contact;
    }
    if (contact.state !== 'dialling' || contact.attempts !== data.attempt || contact.currentRunId !== null) return;
    if (contact.campaignState !== 'running') {
      await releaseClaim(ctx.pool, contact.id, data.attempt, contact.campaignState === 'paused' ? { state: 'queued', nextAttemptAt: new Date() } : { state: 'cancelled' });
      return;
    }
    const placed = await findPlacedRun(ctx.pool, contact.organizationId, contact.id, data.attempt, contact.dialAt ?? new Date());
    if (placed !== undefined) {
      await recordClaimRun(ctx.pool, contact.id, data.attempt, placed);
      return;
    }
    try {
      const run = await placeOutboundCall(ctx, contact.organizationId, {
        agentUuid: contact.agentUuid,
        telephonyConfigurationId: contact.telephonyConfigurationId,
        to: contact.toNumber,
        from: contact.fromNumber ?? undefined,
        initialContext: contact.initialContext,
        maxDurationS: contact.maxDurationS ?? undefined,
        outboundLog: { campaign_id: contact.campaignId, contact_id: contact.id, attempt: data.attempt, dialled_at: dialledAt.toISOString() },
      });
      await recordClaimRun(ctx.pool, contact.id, data.attempt, run.id);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        if (!job.isLastAttempt) throw err;
        contactLog.error({ err }, 'campaign dial failed, contact queued again');
        await releaseClaim(ctx.pool, contact.id, data.attempt, { state: 'queued', nextAttemptAt: new Date(Date.now() + DIALER_DEFAULTS.retryLaterMs) });
        return;
      }
      if (TRY_LATER.has(err.code)) {
        contactLog.info({ err_code: err.code }, 'campaign dial refused for now, contact queued again');
        await releaseClaim(ctx.pool, contact.id, data.attempt, { state: 'queued', nextAttemptAt: new Date(Date.now() + DIALER_DEFAULTS.retryLaterMs) });
      } else if (CONTACT_REFUSALS.has(err.code)) {
        contactLog.warn({ err_code: err.code }, 'campaign contact refused');
        await failClaim(ctx.pool, contact.id, data.attempt, err.code);
      } else {
        contactLog.warn({ err_code: err.code, campaign_id: contact.campaignId }, 'campaign cannot dial: paused');
        await pauseCampaign(ctx.pool, contact.organizationId, contact.campaignId, err.code);
        await releaseClaim(ctx.pool, contact.id, data.attempt, { state: 'queued', nextAttemptAt: new Date() });
      }
    }
  });

  await ctx.jobs.schedule(CampaignJob.Tick, { everyMs: tickMs });
}
