import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors.ts';
import type { Agent, AgentVersion, Prisma } from '../generated/prisma/client.ts';
import type { Db } from './prisma.ts';

/** An agent with its current versions (the draft and/or the published one, newest first). */
export type AgentWithVersions = Agent & { versions: AgentVersion[] };

const WITH_CURRENT_VERSIONS = {
  versions: { where: { status: { in: ['draft', 'published'] } }, orderBy: { version: 'desc' } },
} as const satisfies Prisma.AgentInclude;

/** The draft of an agent, if any. */
export const draftOf = (agent: AgentWithVersions): AgentVersion | undefined => agent.versions.find((v) => v.status === 'draft');
/** The published version of an agent, if any. */
export const publishedOf = (agent: AgentWithVersions): AgentVersion | undefined => agent.versions.find((v) => v.status === 'published');

/** The engine columns of an agent version: the clear configuration, its sealed secrets and their paths. */
export interface VersionEngine {
  engine: Prisma.InputJsonObject;
  /** Sealed with the version's id as AAD; null when the engine has no secrets. */
  engineSecretsCiphertext: string | null;
  engineSecretPaths: string[];
}

/**
 * The engine of a version about to be written. `base` is the version the edit starts from (the
 * draft, else the published version, else none); `versionId` the row it is written to (a new
 * draft's id when there is no draft), which sealed secrets must be bound to.
 */
export type VersionEngineBuilder = (base: AgentVersion | undefined, versionId: string) => VersionEngine;

/** The webhook columns of an agent (`webhooks/`): the URL and its sealed signing secret, both null when it has none. */
export interface AgentWebhook {
  webhookUrl: string | null;
  webhookSecretCiphertext: string | null;
}

/**
 * The webhook columns of an agent about to be written, given its current ones (null for a new
 * agent) and its id, which a sealed secret must be bound to.
 */
export type AgentWebhookBuilder = (current: AgentWebhook | null, agentId: string) => AgentWebhook;

/** Creates an agent owned by `userId` with version 1 (id `versionId`) as its draft. */
export async function createAgent(
  prisma: Db,
  input: { organizationId: string; userId: string; name: string; versionId: string; engine: VersionEngine; webhook?: AgentWebhookBuilder | undefined; recordingEnabled?: boolean },
): Promise<AgentWithVersions> {
  const id = randomUUID();
  return prisma.agent.create({
    data: {
      id,
      ...input.webhook?.(null, id),
      recordingEnabled: input.recordingEnabled ?? false,
      uuid: randomUUID(),
      organizationId: input.organizationId,
      userId: input.userId,
      name: input.name,
      versions: { create: { id: input.versionId, version: 1, status: 'draft', ...input.engine } },
    },
    include: WITH_CURRENT_VERSIONS,
  });
}

/** An agent of the organization by its public UUID. */
export function findAgent(prisma: Db | Prisma.TransactionClient, organizationId: string, uuid: string): Promise<AgentWithVersions | null> {
  return prisma.agent.findFirst({ where: { organizationId, uuid: uuid.toLowerCase() }, include: WITH_CURRENT_VERSIONS });
}

/** Which agents {@link listAgents} returns, and from where. */
export interface AgentListFilter {
  includeArchived: boolean;
  /** Only agents with exactly this name. */
  name?: string | undefined;
  limit: number;
  /** Start after this agent (newest first). */
  after?: { createdAt: Date; id: string } | undefined;
}

/** One page of the organization's agents, newest first; `next` is set when more follow. */
export async function listAgents(
  prisma: Db,
  organizationId: string,
  filter: AgentListFilter,
): Promise<{ rows: AgentWithVersions[]; next: { createdAt: Date; id: string } | null }> {
  const where: Prisma.AgentWhereInput = {
    organizationId,
    ...(filter.includeArchived ? {} : { archivedAt: null }),
    ...(filter.name === undefined ? {} : { name: filter.name }),
  };
  if (filter.after) where.OR = [{ createdAt: { lt: filter.after.createdAt } }, { createdAt: filter.after.createdAt, id: { lt: filter.after.id } }];
  const found = await prisma.agent.findMany({ where, include: WITH_CURRENT_VERSIONS, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: filter.limit + 1 });
  const rows = found.slice(0, filter.limit);
  const last = rows[rows.length - 1];
  return { rows, next: found.length > filter.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** Runs `fn` on the agent with its row locked, so concurrent edits and publishes serialize. */
async function withLockedAgent<T>(
  prisma: Db,
  organizationId: string,
  uuid: string,
  fn: (tx: Prisma.TransactionClient, agent: AgentWithVersions) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    const agent = await findAgent(tx, organizationId, uuid);
    if (!agent) throw new ApiError('agent_not_found', 'agent not found');
    await tx.$queryRaw`SELECT "id" FROM "agents" WHERE "id" = ${agent.id} FOR UPDATE`;
    const locked = await findAgent(tx, organizationId, uuid);
    return fn(tx, locked!);
  });
}

/**
 * Renames the agent, sets its webhook and/or replaces the draft's engine. Without a draft (after a publish) a new
 * draft is created from the published version: `patch.engine` gets the published version as its
 * base and the new draft's id. 409 `agent_archived` on archived agents.
 */
export async function updateAgent(
  prisma: Db,
  organizationId: string,
  uuid: string,
  patch: { name?: string; engine?: VersionEngineBuilder; webhook?: AgentWebhookBuilder; recordingEnabled?: boolean },
): Promise<AgentWithVersions> {
  return withLockedAgent(prisma, organizationId, uuid, async (tx, agent) => {
    if (agent.archivedAt) throw new ApiError('agent_archived', 'agent is archived');
    if (patch.engine !== undefined) {
      const draft = draftOf(agent);
      if (draft) {
        await tx.agentVersion.update({ where: { id: draft.id }, data: patch.engine(draft, draft.id) });
      } else {
        const id = randomUUID();
        const engine = patch.engine(publishedOf(agent), id);
        const latest = await tx.agentVersion.aggregate({ where: { agentId: agent.id }, _max: { version: true } });
        await tx.agentVersion.create({ data: { id, agentId: agent.id, version: (latest._max.version ?? 0) + 1, status: 'draft', ...engine } });
      }
    }
    await tx.agent.update({
      where: { id: agent.id },
      data: {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...patch.webhook?.(agent, agent.id),
        ...(patch.recordingEnabled === undefined ? {} : { recordingEnabled: patch.recordingEnabled }),
        updatedAt: new Date(),
      },
    });
    return (await findAgent(tx, organizationId, uuid))!;
  });
}

/** Publishes the draft; the previously published version becomes `superseded`. 422 `no_draft_version` without a draft. */
export async function publishAgent(prisma: Db, organizationId: string, uuid: string): Promise<AgentWithVersions> {
  return withLockedAgent(prisma, organizationId, uuid, async (tx, agent) => {
    if (agent.archivedAt) throw new ApiError('agent_archived', 'agent is archived');
    const draft = draftOf(agent);
    if (!draft) throw new ApiError('no_draft_version', 'agent has no draft to publish');
    const now = new Date();
    await tx.agentVersion.updateMany({ where: { agentId: agent.id, status: 'published' }, data: { status: 'superseded' } });
    await tx.agentVersion.update({ where: { id: draft.id }, data: { status: 'published', publishedAt: now } });
    await tx.agent.update({ where: { id: agent.id }, data: { updatedAt: now } });
    return (await findAgent(tx, organizationId, uuid))!;
  });
}

/** Archives the agent (idempotent). Streams to an archived agent are refused as `agent_not_found`. */
export async function archiveAgent(prisma: Db, organizationId: string, uuid: string): Promise<AgentWithVersions> {
  return withLockedAgent(prisma, organizationId, uuid, async (tx, agent) => {
    if (agent.archivedAt) return agent;
    await tx.agent.update({ where: { id: agent.id }, data: { archivedAt: new Date() } });
    return (await findAgent(tx, organizationId, uuid))!;
  });
}
