import { EngineConfigSchema } from '@vr3/protocol';
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { archiveAgent, createAgent, findAgent, listAgents, publishAgent, updateAgent } from '../db/agents.ts';
import { ApiError } from '../errors.ts';
import { principal, validate } from './middleware.ts';
import { agentView } from './views.ts';

const Name = z.string().trim().min(1).max(200);
const CreateAgentBody = z.strictObject({ name: Name, engine: EngineConfigSchema });
const UpdateAgentBody = z
  .strictObject({ name: Name.optional(), engine: EngineConfigSchema.optional() })
  .refine((b) => b.name !== undefined || b.engine !== undefined, { message: 'give name and/or engine' });
const ListAgentsQuery = z.object({ include_archived: z.enum(['true', 'false']).optional() });

/**
 * Agents: `POST /agents`, `GET /agents`, `GET|PATCH /agents/{uuid}`, `POST /agents/{uuid}/publish`,
 * `POST /agents/{uuid}/archive`. Other organizations' agents are 404.
 */
export function agentRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  router.post('/agents', async (req, res) => {
    const body = validate(CreateAgentBody, req.body);
    const me = principal(res);
    const agent = await createAgent(ctx.prisma, { organizationId: me.organizationId, userId: me.userId, name: body.name, engine: body.engine });
    res.status(201).json(agentView(agent));
  });

  router.get('/agents', async (req, res) => {
    const query = validate(ListAgentsQuery, req.query);
    const agents = await listAgents(ctx.prisma, principal(res).organizationId, query.include_archived === 'true');
    res.json({ data: agents.map(agentView) });
  });

  router.get('/agents/:uuid', async (req, res) => {
    const agent = await findAgent(ctx.prisma, principal(res).organizationId, req.params.uuid);
    if (!agent) throw new ApiError('agent_not_found', 'agent not found');
    res.json(agentView(agent));
  });

  router.patch('/agents/:uuid', async (req, res) => {
    const body = validate(UpdateAgentBody, req.body);
    const patch = { ...(body.name === undefined ? {} : { name: body.name }), ...(body.engine === undefined ? {} : { engine: body.engine }) };
    res.json(agentView(await updateAgent(ctx.prisma, principal(res).organizationId, req.params.uuid, patch)));
  });

  router.post('/agents/:uuid/publish', async (req, res) => {
    res.json(agentView(await publishAgent(ctx.prisma, principal(res).organizationId, req.params.uuid)));
  });

  router.post('/agents/:uuid/archive', async (req, res) => {
    res.json(agentView(await archiveAgent(ctx.prisma, principal(res).organizationId, req.params.uuid)));
  });

  return router;
}
