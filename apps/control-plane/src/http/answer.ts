/**
 * `GET|POST /answer/{provider}/{agent_uuid}`: the answer URL a provider fetches when a call comes
 * in, answered with the document that connects the call to the agent's Agent Stream URL (Cloudonix
 * CXML, TwiML, Vobiz/Plivo XML, Exotel's dynamic-routing JSON). No API key: like the stream URL,
 * the agent UUID authorizes it, so the URL is a secret and is never logged. The provider's request
 * parameters (query string, form or JSON body) that the stream needs are carried into its URL.
 */
import express, { Router, type Request, type Response } from 'express';
import { publicBasesOf } from '@vr3/env';
import type { ControlPlaneContext } from '../context.ts';
import { findStreamAgent } from '../db/stream-agent.ts';
import { agentSampleRate } from './agent-audio.ts';
import { ANSWER_PATH, answerUrlSpec } from './answer-urls.ts';
import { textGuard } from './text-guard.ts';

/** Largest answer-request body: a provider's webhook form is a few hundred bytes. */
export const MAX_ANSWER_BODY = '16kb';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `{"error":{code,message}}` with `status`: the refusals that come before any provider is known. */
function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).set('cache-control', 'no-store').json({ error: { code, message } });
}

/** First string value of every field of a parsed query or body (arrays: their first string). */
function fieldsOf(value: unknown, into: Record<string, string>): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    const text = Array.isArray(field) ? (field as unknown[]).find((v) => typeof v === 'string') : field;
    if (typeof text === 'string' || typeof text === 'number' || typeof text === 'boolean') into[name] = String(text);
  }
}

/** The answer request's parameters: the query string, then the body over it. */
function paramsOf(req: Request): Record<string, string> {
  const params: Record<string, string> = {};
  fieldsOf(req.query, params);
  fieldsOf(req.body, params);
  return params;
}

/**
 * The answer routes, mounted before authentication. Unknown provider → 404 `unknown_provider`;
 * unknown, archived or version-less agent → 404 with the provider's refusal (a hang-up document,
 * Exotel a JSON error); public base URL unknown → 503 `public_url_unknown`.
 */
export function answerRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  router.use(ANSWER_PATH, express.urlencoded({ extended: false, limit: MAX_ANSWER_BODY }), express.json({ limit: MAX_ANSWER_BODY }), textGuard);

  const answer = async (req: Request<{ provider: string; agent_uuid: string }>, res: Response): Promise<void> => {
    const spec = answerUrlSpec(req.params.provider);
    if (!spec) return refuse(res, 404, 'unknown_provider', 'no answer URL for this provider (cloudonix, exotel, twilio, vobiz, plivo)');
    const agentUuid = req.params.agent_uuid;
    const agent = UUID.test(agentUuid) ? await findStreamAgent(ctx.pool, agentUuid) : undefined;
    if (!agent) {
      res.status(404).set('cache-control', 'no-store').type(spec.refusal.contentType).send(spec.refusal.body);
      return;
    }
    const publicUrl = ctx.config.publicUrl;
    if (publicUrl === null) return refuse(res, 503, 'public_url_unknown', 'the public URL of the product is not configured (VR3_PUBLIC_URL)');
    const request = spec.streamRequest({
      streamBase: publicBasesOf(publicUrl).stream,
      agentUuid: agent.uuid,
      params: paramsOf(req),
      sampleRate: agentSampleRate(agent.version.engine),
    });
    const doc = spec.document(request);
    res.status(200).set('cache-control', 'no-store').type(doc.contentType).send(doc.body);
  };
  router.get(`${ANSWER_PATH}/:provider/:agent_uuid`, answer);
  router.post(`${ANSWER_PATH}/:provider/:agent_uuid`, answer);
  return router;
}
