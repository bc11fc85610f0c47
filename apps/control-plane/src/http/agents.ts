import { randomUUID } from 'node:crypto';
import { secretPaths } from '@vr3/agent';
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { archiveAgent, createAgent, findAgent, listAgents, publishAgent, updateAgent, type VersionEngine } from '../db/agents.ts';
import { engineTypeOf, prepareEngine, type EngineBase, type StoredEngine } from '../engines/config.ts';
import { openEngineSecrets, sealEngineSecrets } from '../engines/secrets.ts';
import { ApiError } from '../errors.ts';
import type { AgentVersion, Prisma } from '../generated/prisma/client.ts';
import { agentWebhookUpdate, NO_SECRET_WITH_REMOVAL, setsWebhook, WEBHOOK_FIELDS, type WebhookFieldsInput } from '../webhooks/agent-settings.ts';
import { pageQuery, timeCursorAfter, timeCursorPosition } from './cursor.ts';
import { principal, validate } from './middleware.ts';
import { agentView } from './views.ts';

const Name = z.string().trim().min(1).max(200);
/** Any object: the engine catalog validates it by its `type` (400 `unknown_engine` / `invalid_engine_config`). */
const EngineBody = z.record(z.string(), z.unknown());
/** Call recording opt-in (docs/recordings.md): the agent's setting, not a version's; holds from the next call. */
const Recording = z.strictObject({ enabled: z.boolean() });
const CreateAgentBody = z.strictObject({ name: Name, engine: EngineBody, ...WEBHOOK_FIELDS, recording: Recording.optional() }).refine(...NO_SECRET_WITH_REMOVAL);
const UpdateAgentBody = z
  .strictObject({ name: Name.optional(), engine: EngineBody.optional(), ...WEBHOOK_FIELDS, recording: Recording.optional() })
  .refine((b) => b.name !== undefined || b.engine !== undefined || setsWebhook(b) || b.recording !== undefined, {
    message: 'give name, engine, webhook_url and/or webhook_secret',
  })
  .refine(...NO_SECRET_WITH_REMOVAL);
/** Page size bounds of `GET /agents`. */
export const AGENT_PAGE = { default: 50, max: 200 } as const;

const ListAgentsQuery = pageQuery(AGENT_PAGE.max).extend({
  include_archived: z.enum(['true', 'false']).optional(),
  name: z.string().min(1).max(200).optional(),
});

/**
 * Agents: `POST /agents`, `GET /agents`, `GET|PATCH /agents/{uuid}`, `POST /agents/{uuid}/publish`,
 * `POST /agents/{uuid}/archive`. Other organizations' agents are 404. Engine configurations are
 * validated by the engine catalog; their secret fields are sealed and write-only (responses list
 * the paths that are set). `webhook_url` and `webhook_secret` (docs/webhooks.md) belong to the
 * agent, not to a version: they hold at once. The URL follows the rules of user-chosen URLs
 * (`webhooks/url.ts`); a URL needs a secret, given with it or stored before; the secret is sealed
 * (agent id as AAD) and only `webhook_secret_set` shows.
 */
export function agentRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  /** The columns of `stored` written to version `versionId` (secrets sealed to that row). */
  const columns = (versionId: string, stored: StoredEngine): VersionEngine => ({
    engine: stored.engine as Prisma.InputJsonObject,
    engineSecretsCiphertext: sealEngineSecrets(ctx.secretKey, versionId, stored.secrets),
    engineSecretPaths: secretPaths(stored.secrets),
  });

  /** The engine an edit starts from; secrets are opened only when the type stays (else they are forgotten). */
  const baseOf = (version: AgentVersion | undefined, incomingType: string | undefined): EngineBase | null => {
    const type = version ? engineTypeOf(version.engine) : undefined;
    if (!version || type === undefined) return null;
    if (type !== incomingType) return { type, secrets: [] };
    return { type, secrets: openEngineSecrets(ctx.secretKey, version.id, version.engineSecretsCiphertext) };
  };

  const webhookUrlRules = { allowInsecure: ctx.config.allowInsecureProviderUrls, resolveHost: ctx.resolveProviderHost, timeoutMs: ctx.config.providerTimeoutMs };
  /** The webhook columns a request sets (undefined: it sets none); the URL is checked first. */
  const webhookOf = (body: WebhookFieldsInput) => agentWebhookUpdate(body, ctx.secretKey, webhookUrlRules);

  router.post('/agents', async (req, res) => {
    const body = validate(CreateAgentBody, req.body);
    const stored = prepareEngine(ctx.engines, body.engine, null);
    const webhook = await webhookOf(body);
    const me = principal(res);
    const versionId = randomUUID();
    const agent = await createAgent(ctx.prisma, { organizationId: me.organizationId, userId: me.userId, name: body.name, versionId, engine: columns(versionId, stored), webhook, recordingEnabled: body.recording?.enabled ?? false });
    res.status(201).json(agentView(agent, ctx.config.publicUrl));
  });

  router.get('/agents', async (req, res) => {
    const query = validate(ListAgentsQuery, req.query);
    const page = await listAgents(ctx.prisma, principal(res).organizationId, {
      includeArchived: query.include_archived === 'true',
      name: query.name,
      limit: query.limit ?? AGENT_PAGE.default,
      after: timeCursorPosition(query.cursor),
    });
    res.json({ data: page.rows.map((agent) => agentView(agent, ctx.config.publicUrl)), next_cursor: page.next ? timeCursorAfter(page.next) : null });
  });

  router.get('/agents/:uuid', async (req, res) => {
    const agent = await findAgent(ctx.prisma, principal(res).organizationId, req.params.uuid);
    if (!agent) throw new ApiError('agent_not_found', 'agent not found');
    res.json(agentView(agent, ctx.config.publicUrl));
  });

  router.patch('/agents/:uuid', async (req, res) => {
    const body = validate(UpdateAgentBody, req.body);
    const incoming = body.engine;
    const webhook = await webhookOf(body);
    const patch = {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(webhook === undefined ? {} : { webhook }),
      ...(body.recording === undefined ? {} : { recordingEnabled: body.recording.enabled }),
      ...(incoming === undefined
        ? {}
        : { engine: (base: AgentVersion | undefined, versionId: string) => columns(versionId, prepareEngine(ctx.engines, incoming, baseOf(base, engineTypeOf(incoming)))) }),
    };
    res.json(agentView(await updateAgent(ctx.prisma, principal(res).organizationId, req.params.uuid, patch), ctx.config.publicUrl));
  });

  router.post('/agents/:uuid/publish', async (req, res) => {
    res.json(agentView(await publishAgent(ctx.prisma, principal(res).organizationId, req.params.uuid), ctx.config.publicUrl));
  });

  router.post('/agents/:uuid/archive', async (req, res) => {
    res.json(agentView(await archiveAgent(ctx.prisma, principal(res).organizationId, req.params.uuid), ctx.config.publicUrl));
  });

  return router;
}

/** The request schemas, for the OpenAPI document. */
export { CreateAgentBody, ListAgentsQuery, UpdateAgentBody };
