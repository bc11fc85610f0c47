import { randomUUID } from 'node:crypto';
import { CONFIGURABLE_PROVIDERS } from '@vr3/protocol';
import { Router } from 'express';
import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { sealCredentials } from '../providers/credentials.ts';
import { PROVIDER_RULES, isConfigurableProvider, type ProviderRules } from '../providers/registry.ts';
import { principal, validate } from './middleware.ts';
import { telephonyView } from './views.ts';

const Name = z.string().trim().min(1).max(200);
const Token = z.string().max(4096).nullable();
const CreateBody = z.strictObject({
  provider: z.string().min(1),
  name: Name,
  domain_id: z.string(),
  bearer_token: Token.optional(),
  api_base_url: z.string().max(2048).nullable().optional(),
});
const UpdateBody = z.strictObject({
  name: Name.optional(),
  domain_id: z.string().optional(),
  bearer_token: Token.optional(),
  api_base_url: z.string().max(2048).nullable().optional(),
});

/** Canonical API base URL: https only (http too when insecure URLs are allowed), no credentials, query or fragment. */
export function checkApiBaseUrl(value: string, allowInsecure: boolean): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ApiError('invalid_api_base_url', 'api_base_url is not a valid URL');
  }
  if (url.protocol === 'http:' && !allowInsecure) throw new ApiError('insecure_api_base_url', 'api_base_url must use https');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ApiError('invalid_api_base_url', 'api_base_url must be an https URL');
  if (url.username || url.password || url.search || url.hash) {
    throw new ApiError('invalid_api_base_url', 'api_base_url must not contain credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function normalizeIdentifier(rules: ProviderRules, value: string): string {
  try {
    return rules.normalizeIdentifier(value);
  } catch {
    throw new ApiError('invalid_domain', 'domain_id is not a valid domain');
  }
}

function conflictOnDuplicate(err: unknown): never {
  if ((err as { code?: unknown }).code === 'P2002') throw new ApiError('configuration_exists', 'a configuration for this provider and domain already exists');
  throw err;
}

/** Telephony configurations: create, list, get, patch, delete. `bearer_token` is write-only. */
export function telephonyRoutes(ctx: ControlPlaneContext): Router {
  const router = Router();
  const find = async (organizationId: string, id: string) => {
    const config = await ctx.prisma.telephonyConfiguration.findFirst({ where: { id, organizationId } });
    if (!config) throw new ApiError('telephony_configuration_not_found', 'telephony configuration not found');
    return config;
  };

  router.post('/telephony-configurations', async (req, res) => {
    const body = validate(CreateBody, req.body);
    if (!isConfigurableProvider(body.provider)) {
      throw new ApiError('unknown_provider', `provider must be one of: ${CONFIGURABLE_PROVIDERS.join(', ')}`);
    }
    const rules = PROVIDER_RULES[body.provider];
    const id = randomUUID();
    const domainId = normalizeIdentifier(rules, body.domain_id);
    const apiBaseUrl = checkApiBaseUrl(body.api_base_url ?? rules.defaultApiBaseUrl, ctx.config.allowInsecureProviderUrls);
    const config = await ctx.prisma.telephonyConfiguration
      .create({
        data: {
          id,
          organizationId: principal(res).organizationId,
          provider: body.provider,
          name: body.name,
          domainId,
          apiBaseUrl,
          credentialsCiphertext: body.bearer_token ? sealCredentials(ctx.secretKey, id, { bearer_token: body.bearer_token }) : null,
        },
      })
      .catch(conflictOnDuplicate);
    res.status(201).json(telephonyView(config));
  });

  router.get('/telephony-configurations', async (_req, res) => {
    const configs = await ctx.prisma.telephonyConfiguration.findMany({
      where: { organizationId: principal(res).organizationId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    res.json({ data: configs.map(telephonyView) });
  });

  router.get('/telephony-configurations/:id', async (req, res) => {
    res.json(telephonyView(await find(principal(res).organizationId, req.params.id)));
  });

  router.patch('/telephony-configurations/:id', async (req, res) => {
    const body = validate(UpdateBody, req.body);
    const existing = await find(principal(res).organizationId, req.params.id);
    const rules = isConfigurableProvider(existing.provider) ? PROVIDER_RULES[existing.provider] : undefined;
    const data: Prisma.TelephonyConfigurationUpdateInput = {};
    if (body.name !== undefined) data.name = body.name;
    if (body.domain_id !== undefined && rules) data.domainId = normalizeIdentifier(rules, body.domain_id);
    if (body.api_base_url !== undefined && rules) {
      data.apiBaseUrl = checkApiBaseUrl(body.api_base_url ?? rules.defaultApiBaseUrl, ctx.config.allowInsecureProviderUrls);
    }
    if (body.bearer_token !== undefined) {
      data.credentialsCiphertext = body.bearer_token ? sealCredentials(ctx.secretKey, existing.id, { bearer_token: body.bearer_token }) : null;
    }
    const config = await ctx.prisma.telephonyConfiguration.update({ where: { id: existing.id }, data }).catch(conflictOnDuplicate);
    res.json(telephonyView(config));
  });

  router.delete('/telephony-configurations/:id', async (req, res) => {
    const existing = await find(principal(res).organizationId, req.params.id);
    await ctx.prisma.telephonyConfiguration.delete({ where: { id: existing.id } });
    res.status(204).end();
  });

  return router;
}
