/**
 * The provider-facing URLs of an outbound call, mounted before authentication:
 * - `GET|POST /calls/{run_id}/answer?stream_token=…`: the run-bound answer URL a provider that
 *   dials with one (Vobiz, Plivo) fetches when the call is answered; it returns the provider's
 *   document connecting the call to the run-bound stream URL. The stream token authorizes it (it
 *   is checked, not claimed: the stream claims it).
 * - `POST|GET /callbacks/{provider}/{run_id}?s=…`: the provider's status callbacks (GET: Exotel's
 *   Passthru applet, its fields in the query string), authorized by the
 *   run's callback secret (compared with its stored hash in constant time) or, for a provider that
 *   signs them (Twilio), its valid signature; anything else is 403 and changes nothing. Each callback lands on the run (`logs.provider_callbacks`, `dial_status`);
 *   busy, unanswered, failed or canceled calls still waiting for their stream end the run `failed`
 *   (`busy`, `no_answer`, `provider_failed`). A callback for an ended run is recorded, never reopens it.
 * Neither URL is ever logged (their query strings are secrets).
 */
import express, { Router, type Request, type Response } from 'express';
import { EndReason, RunState } from '@vr3/protocol';
import { publicBasesOf } from '@vr3/env';
import { getProvider, ProviderConfigError, type ProviderCallbackRequest, type ProviderDescriptor } from '@vr3/providers';
import type { ControlPlaneContext } from '../context.ts';
import { findCallbackRun, recordProviderCallback, type CallbackRun } from '../db/provider-callbacks.ts';
import { finalizeRun } from '../db/runs.ts';
import { findStreamAgent } from '../db/stream-agent.ts';
import { runTokenMatches, streamTokenValid } from '../db/stream-tokens.ts';
import { announceRun } from '../live/feed.ts';
import { openCredentials } from '../providers/credentials.ts';
import { agentSampleRate } from './agent-audio.ts';
import { answerUrlSpec } from './answer-urls.ts';
import { CALL_ANSWER_PATH, CALLBACK_SECRET_PARAM, CALLBACKS_PATH, runStreamUrl } from './run-urls.ts';

/** Largest callback body: a provider's status form is a few hundred bytes. */
export const MAX_CALLBACK_BODY = '16kb';

/** How a final provider status ends a run still waiting for its stream. */
const WAITING_RUN_END: Readonly<Record<string, { reason: EndReason; error: string }>> = Object.freeze({
  busy: { reason: EndReason.Busy, error: 'the called number was busy' },
  'no-answer': { reason: EndReason.NoAnswer, error: 'the call was not answered' },
  failed: { reason: EndReason.ProviderFailed, error: 'the provider could not connect the call' },
  canceled: { reason: EndReason.ProviderFailed, error: 'the call was canceled' },
  completed: { reason: EndReason.ProviderFailed, error: 'the call ended before its stream connected' },
});

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).set('cache-control', 'no-store').json({ error: { code, message } });
}

const firstQuery = (req: Request, name: string): string | undefined => {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * Whether the callback carries the provider's valid signature (Twilio `X-Twilio-Signature`) under
 * the run's configuration's credentials, over the public URL it was sent to. False when the
 * provider signs nothing, the header is absent, or the public URL or credentials are unavailable.
 */
async function signedByProvider(ctx: ControlPlaneContext, run: CallbackRun, descriptor: ProviderDescriptor, request: ProviderCallbackRequest): Promise<boolean> {
  const spec = descriptor.callbackSignature;
  const publicUrl = ctx.config.publicUrl;
  if (spec === undefined || !request.headers[spec.header] || run.telephonyConfigurationId === null || publicUrl === null) return false;
  const configuration = await ctx.prisma.telephonyConfiguration.findUnique({ where: { id: run.telephonyConfigurationId } });
  if (!configuration?.credentialsCiphertext) return false;
  let key: string | undefined;
  try {
    key = openCredentials(ctx.secretKey, configuration.id, configuration.credentialsCiphertext)[spec.credentialField];
  } catch {
    return false;
  }
  return key !== undefined && key !== '' && spec.verify({ ...request, url: `${publicBasesOf(publicUrl).http}${request.url}` }, key);
}

/** The outbound-call routes providers call. */
export function callbackRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  const text = express.text({ type: () => true, limit: MAX_CALLBACK_BODY });

  const answer = async (req: Request<{ run_id: string }>, res: Response): Promise<void> => {
    const token = firstQuery(req, 'stream_token');
    const run = await findCallbackRun(ctx.pool, req.params.run_id);
    const descriptor = run === undefined ? undefined : getProvider(run.mode);
    const refusal = run === undefined ? undefined : answerUrlSpec(run.mode)?.refusal;
    const valid = run !== undefined && token !== undefined && descriptor?.answerDocument !== undefined && (await streamTokenValid(ctx.pool, run.id, token));
    const agent = valid ? await findStreamAgent(ctx.pool, run.agentUuid) : undefined;
    if (!valid || !agent || !descriptor?.answerDocument) {
      if (refusal) res.status(404).set('cache-control', 'no-store').type(refusal.contentType).send(refusal.body);
      else refuse(res, 404, 'not_found', 'no call waiting for this answer URL');
      return;
    }
    const publicUrl = ctx.config.publicUrl;
    if (publicUrl === null) return refuse(res, 503, 'public_url_unknown', 'the public URL of the product is not configured (VR3_PUBLIC_URL)');
    const doc = descriptor.answerDocument({ streamUrl: runStreamUrl(publicUrl, run.mode, run.agentUuid, token), sampleRate: agentSampleRate(agent.version.engine) });
    res.status(200).set('cache-control', 'no-store').type(doc.contentType).send(doc.body);
  };
  router.get(`${CALL_ANSWER_PATH}/:run_id/answer`, answer);
  router.post(`${CALL_ANSWER_PATH}/:run_id/answer`, text, answer);

  const callback = async (req: Request<{ provider: string; run_id: string }>, res: Response): Promise<void> => {
    const run = await findCallbackRun(ctx.pool, req.params.run_id);
    const descriptor = run === undefined || run.mode !== req.params.provider.toLowerCase() ? undefined : getProvider(run.mode);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    const callbackRequest: ProviderCallbackRequest = { method: req.method, url: req.originalUrl, headers, body: typeof req.body === 'string' ? req.body : '' };
    const secret = firstQuery(req, CALLBACK_SECRET_PARAM);
    const authorized =
      run !== undefined &&
      descriptor !== undefined &&
      ((secret !== undefined && runTokenMatches(secret, run.callbackSecretHash)) || (await signedByProvider(ctx, run, descriptor, callbackRequest)));
    if (!run || !descriptor || !authorized) return refuse(res, 403, 'forbidden', 'callback not authorized');
    const parse = descriptor.parseCallback;
    if (!parse) return refuse(res, 404, 'not_found', 'this provider sends no callbacks here');
    let callback;
    try {
      callback = parse(callbackRequest);
    } catch (err) {
      if (err instanceof ProviderConfigError) return refuse(res, 400, 'validation_failed', 'body: not a callback this provider sends');
      throw err;
    }
    const state = await recordProviderCallback(ctx.pool, run.id, {
      at: new Date().toISOString(),
      status: callback.status ?? null,
      call_id: callback.callId ?? null,
      duration_s: callback.durationS ?? null,
      disconnected_by: callback.disconnectedBy ?? null,
      recording_url: callback.recordingUrl ?? null,
      fields: { ...callback.fields },
    });
    const end = callback.status === undefined ? undefined : WAITING_RUN_END[callback.status];
    if (state === RunState.Initialized && end !== undefined) {
      const result = await finalizeRun(ctx.prisma, { runId: run.id, state: RunState.Failed, endReason: end.reason, error: end.error });
      if (result.changed) ctx.logger.info({ run_id: run.id, provider: run.mode, end_reason: end.reason }, 'outbound call ended before its stream');
    }
    // A call still dialling: its dial status (or its end) changed.
    if (state === RunState.Initialized) announceRun(ctx, run.id);
    res.status(204).end();
  };
  router.post(`${CALLBACKS_PATH}/:provider/:run_id`, text, callback);
  // Exotel's Passthru applet reports with a GET and its fields in the query string.
  router.get(`${CALLBACKS_PATH}/:provider/:run_id`, callback);
  return router;
}
