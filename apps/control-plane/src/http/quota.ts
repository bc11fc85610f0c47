import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { readUsage } from '../db/usage.ts';
import { ApiError } from '../errors.ts';
import { principal, validate } from './middleware.ts';

const Limit = z.number().int().min(0).max(2_147_483_647).nullable();
/** PUT replaces the whole quota: both fields are required, `null` = unlimited. */
const PutQuotaBody = z.strictObject({ max_concurrent_calls: Limit, monthly_call_seconds: Limit });

/** Quota of a user of the caller's organization: `GET|PUT /users/{user_id}/quota`, with current usage. */
export function quotaRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();

  const view = async (userId: string) => {
    // The counters admission enforces (reconciled with the runs table at start and by the reaper).
    const [quota, usage] = await Promise.all([ctx.prisma.userQuota.findUnique({ where: { userId } }), readUsage(ctx.prisma, userId, new Date())]);
    return {
      user_id: userId,
      max_concurrent_calls: quota?.maxConcurrentCalls ?? null,
      monthly_call_seconds: quota?.monthlyCallSeconds ?? null,
      usage: { active_calls: usage.activeCalls, month_call_seconds: usage.monthSeconds },
    };
  };
  const findUser = async (organizationId: string, userId: string) => {
    const user = await ctx.prisma.user.findFirst({ where: { id: userId, organizationId }, select: { id: true } });
    if (!user) throw new ApiError('user_not_found', 'user not found');
    return user.id;
  };

  router.get('/users/:user_id/quota', async (req, res) => {
    res.json(await view(await findUser(principal(res).organizationId, req.params.user_id)));
  });

  router.put('/users/:user_id/quota', async (req, res) => {
    const body = validate(PutQuotaBody, req.body);
    const userId = await findUser(principal(res).organizationId, req.params.user_id);
    const data = { maxConcurrentCalls: body.max_concurrent_calls, monthlyCallSeconds: body.monthly_call_seconds };
    await ctx.prisma.userQuota.upsert({ where: { userId }, create: { userId, ...data }, update: data });
    res.json(await view(userId));
  });

  return router;
}

/** The request schema, for the OpenAPI document. */
export { PutQuotaBody };
