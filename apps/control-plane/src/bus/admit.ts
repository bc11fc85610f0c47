import {
  EngineConfigSchema,
  StreamAdmitRequestSchema,
  StreamErrorCode,
  isKnownProvider,
  parseMessage,
  type StreamAdmitResponse,
} from '@vr3/protocol';
import type { ControlPlaneContext } from '../context.ts';
import { admitRun } from '../db/admission.ts';
import { PROVIDER_RULES, isConfigurableProvider } from '../providers/registry.ts';

/** The first of `names` present in the query with a non-empty value. */
function queryValue(query: Record<string, string>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = query[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function reject(code: StreamErrorCode, message: string): StreamAdmitResponse {
  return { ok: false, error: { code, message } };
}

/**
 * `StreamAdmit`: resolve the agent (published version, else draft), the provider identifier and the
 * telephony configuration, then check quota and mint the run in one transaction.
 * Query values (phone numbers, ids) and the agent UUID are never logged.
 */
export async function handleStreamAdmit(ctx: ControlPlaneContext, data: unknown): Promise<StreamAdmitResponse> {
  const req = parseMessage(StreamAdmitRequestSchema, data);
  const log = ctx.logger.child({ provider: req.provider, edge_id: req.edge_id });
  const refuse = (code: StreamErrorCode, message: string, fields: Record<string, unknown> = {}): StreamAdmitResponse => {
    log.info({ code, ...fields }, 'stream refused');
    return reject(code, message);
  };

  if (!isKnownProvider(req.provider)) return refuse(StreamErrorCode.UnknownProvider, 'unknown provider');
  if (!isConfigurableProvider(req.provider)) return refuse(StreamErrorCode.UnsupportedProvider, 'provider not supported');
  const provider = req.provider;
  const rules = PROVIDER_RULES[provider];

  const agent = await ctx.prisma.agent.findUnique({
    where: { uuid: req.agent_uuid.toLowerCase() },
    include: { versions: { where: { status: { in: ['published', 'draft'] } }, orderBy: { version: 'desc' } } },
  });
  const version = agent?.versions.find((v) => v.status === 'published') ?? agent?.versions.find((v) => v.status === 'draft');
  if (!agent || agent.archivedAt !== null || !version) return refuse(StreamErrorCode.AgentNotFound, 'agent not found');
  const engine = EngineConfigSchema.safeParse(version.engine);
  if (!engine.success) {
    log.error({ agent_id: agent.id, agent_version_id: version.id }, 'stored engine configuration is invalid');
    return reject(StreamErrorCode.Internal, 'server error');
  }

  const rawIdentifier = req.query[rules.identifierParam]?.trim();
  if (!rawIdentifier) return refuse(StreamErrorCode.MissingProviderIdentifier, `missing ${rules.identifierParam}`, { agent_id: agent.id });
  let identifier: string;
  try {
    identifier = rules.normalizeIdentifier(rawIdentifier);
  } catch {
    return refuse(StreamErrorCode.ConfigurationNotFound, 'no matching telephony configuration', { agent_id: agent.id });
  }
  const configuration = await ctx.prisma.telephonyConfiguration.findUnique({
    where: { organizationId_provider_domainId: { organizationId: agent.organizationId, provider, domainId: identifier } },
  });
  if (!configuration) return refuse(StreamErrorCode.ConfigurationNotFound, 'no matching telephony configuration', { agent_id: agent.id });
  if (!configuration.credentialsCiphertext) {
    return refuse(StreamErrorCode.ConfigurationMissingCredentials, 'configuration has no credentials', { telephony_configuration_id: configuration.id });
  }

  const callId = queryValue(req.query, 'callId', 'CallSid');
  const result = await admitRun(
    ctx.prisma,
    {
      organizationId: agent.organizationId,
      userId: agent.userId,
      agentId: agent.id,
      agentUuid: agent.uuid,
      agentVersionId: version.id,
      provider,
      telephonyConfigurationId: configuration.id,
      edgeId: req.edge_id,
      initialContext: { caller_number: queryValue(req.query, 'from') ?? null, called_number: queryValue(req.query, 'to') ?? null },
      gatheredContext: callId === undefined ? {} : { call_id: callId },
      logs: { inbound_webhook: { [rules.identifierParam]: rawIdentifier } },
    },
    { maxWaitMs: ctx.config.admitTransactionMaxWaitMs },
  );
  if (!result.ok) {
    return refuse(StreamErrorCode.QuotaExceeded, 'quota exceeded', { user_id: agent.userId, quota: result.reason, limit: result.limit, used: result.used });
  }
  const run = result.run;
  log.info({ run_id: run.id, run_name: run.name, agent_id: agent.id, telephony_configuration_id: configuration.id }, 'run admitted');
  return {
    ok: true,
    run: {
      id: run.id,
      name: run.name,
      agent_uuid: agent.uuid,
      provider,
      telephony_configuration_id: configuration.id,
      engine: engine.data,
      max_duration_ms: null,
    },
  };
}
