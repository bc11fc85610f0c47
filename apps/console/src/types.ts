/**
 * The shapes of the product's REST API (`/api/v1`) as the console reads them: named views of the
 * types generated from the API's OpenAPI document (generated/api.ts, `npm run openapi:types`), so
 * the console is typed from the contract the server is tested against.
 */
import type { components, operations } from './generated/api.ts';

type Schemas = components['schemas'];

/** Role of a person (or an API key) in their organization. */
export type Role = Schemas['User']['role'];

/** `GET /me` (and the answer to sign-in) for a signed-in person. */
export type Session = Schemas['Session'];

/** One page of a list: `next_cursor` (when the route pages) fetches the next. */
export interface Page<T> {
  data: T[];
  next_cursor?: string | null;
}

/** An engine configuration: its `type` and the engine's own fields (secret fields never shown). */
export type EngineConfig = { type: string } & Record<string, unknown>;

/** An agent (`GET /agents`, `GET /agents/{uuid}`); `engine` is the draft's when there is one, else the published one's. */
export type Agent = Omit<Schemas['Agent'], 'engine' | 'published_engine'> & { engine: EngineConfig | null; published_engine: EngineConfig | null };

/** A telephony configuration: the account field under the provider's own name; credentials write-only. */
export type TelephonyConfiguration = Schemas['TelephonyConfiguration'];

/** A service credential (a voice vendor's API key, write-only). */
export type ServiceCredential = Schemas['ServiceCredential'];

/** What a credentials test found (`POST /telephony-configurations/{id}/test`, `POST /service-credentials/{id}/test`). */
export type CredentialTestResult = Schemas['CredentialTestResult'];

/** What a run's stream moved (absent until the run ends). */
export type MediaStats = Schemas['MediaStats'];

/** States of a run. */
export type RunState = Schemas['Run']['state'];

/** A workflow run (one call). */
export type Run = Schemas['Run'];

/** One event an engine emitted on a run, in `seq` order. */
export type RunEvent = Omit<Schemas['RunEvent'], 'data'> & { data: Record<string, unknown> };

/** One attempt at delivering a run's webhook to the agent's endpoint. */
export type WebhookDelivery = Schemas['WebhookDelivery'];

/** A person of the organization. */
export type User = Schemas['User'];

/** An invitation as listed (never its token). */
export type Invitation = Schemas['Invitation'];

/** Where an invitation stands: `pending` until accepted, revoked or expired. */
export type InvitationState = Invitation['state'];

/** An invitation just made: its token and URL are in this answer only. */
export type CreatedInvitation = Schemas['CreatedInvitation'];

/** A user's quota and usage (`null` limits: unlimited). */
export type Quota = Schemas['Quota'];

/** `GET /stats/overview`: calls per hour, failure reasons, minutes against quota, latency distributions. */
export type OverviewStats = Schemas['OverviewStats'];

/** A latency distribution of {@link OverviewStats}. */
export type LatencyHistogram = Schemas['LatencyHistogram'];

/** An API key as listed (never its clear text). */
export type ApiKey = Schemas['ApiKey'];

/** An API key just created: `key` is in this answer only. */
export type CreatedApiKey = Schemas['CreatedApiKey'];

/** Filters of `GET /runs` (the API's query parameters), as the form and the page address hold them: text. */
export type RunFilters = { [K in Exclude<keyof NonNullable<operations['listRuns']['parameters']['query']>, 'limit' | 'cursor'>]?: string };
