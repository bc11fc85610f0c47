/**
 * The console's client of the product's REST API (`/api/v1`): same-origin `fetch` with the session
 * cookie, the session's CSRF token in `X-CSRF-Token` on every unsafe method, and the API's error
 * shape `{"error":{"code","message"}}` turned into an {@link ApiError}.
 */

import type {
  Agent,
  ApiKey,
  CreatedApiKey,
  CredentialTestResult,
  CreatedInvitation,
  EngineConfig,
  Invitation,
  InvitationState,
  OverviewStats,
  Page,
  Quota,
  Role,
  Run,
  RunEvent,
  RunFilters,
  ServiceCredential,
  Session,
  TelephonyConfiguration,
  User,
  WebhookDelivery,
} from './types.ts';

export type * from './types.ts';

/** A failed API call: the server's `code` and `message`, or `network_error` / `bad_response`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Methods that change state: they carry the CSRF token. */
const UNSAFE: ReadonlySet<Method> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `?a=1&b=2` of the defined, non-empty values of `params`; '' when there are none. */
export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  const qs = query.toString();
  return qs ? `?${qs}` : '';
}

const id = (value: string) => encodeURIComponent(value);

function isErrorBody(value: unknown): value is { error: { code: string; message: string } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { message?: unknown }).message === 'string';
}

/** The REST API as the signed-in browser calls it. */
export class ApiClient {
  private csrfToken: string | null = null;

  constructor(
    private readonly base = '/api/v1',
    private readonly fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  ) {}

  /** Calls `method path` with an optional JSON body; resolves to the parsed JSON answer (undefined for 204). */
  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (UNSAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new ApiError(0, 'network_error', 'the server could not be reached', { cause: err });
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch (err) {
      throw new ApiError(res.status, 'bad_response', `unexpected answer from the server (HTTP ${res.status})`, { cause: err });
    }
    if (!res.ok) {
      if (isErrorBody(parsed)) throw new ApiError(res.status, parsed.error.code, parsed.error.message);
      throw new ApiError(res.status, 'bad_response', `unexpected answer from the server (HTTP ${res.status})`);
    }
    return parsed as T;
  }

  /** `POST /auth/sign-in`: sets the session cookie; keeps the CSRF token for later calls. */
  async signIn(email: string, password: string): Promise<Session> {
    return this.keep(await this.request<Session>('POST', '/auth/sign-in', { email, password }));
  }

  /** `GET /me`: the signed-in person (401 `unauthorized` without a session). */
  async me(): Promise<Session> {
    return this.keep(await this.request<Session>('GET', '/me'));
  }

  /** `POST /auth/sign-out`: ends the session and clears the cookie. */
  async signOut(): Promise<void> {
    try {
      await this.request<undefined>('POST', '/auth/sign-out');
    } finally {
      this.csrfToken = null;
    }
  }

  /** `GET /agents`, one page (`cursor` from the previous page's `next_cursor`). */
  listAgents(options: { cursor?: string; includeArchived?: boolean; name?: string } = {}): Promise<Page<Agent>> {
    return this.request('GET', `/agents${queryString({ cursor: options.cursor, include_archived: options.includeArchived || undefined, name: options.name })}`);
  }

  getAgent(uuid: string): Promise<Agent> {
    return this.request('GET', `/agents/${id(uuid)}`);
  }

  createAgent(body: { name: string; engine: EngineConfig }): Promise<Agent> {
    return this.request('POST', '/agents', body);
  }

  /** Edits the draft: `engine` replaces the configuration except secret fields left out (kept). */
  updateAgent(
    uuid: string,
    body: { name?: string; engine?: EngineConfig; recording?: { enabled: boolean }; webhook_url?: string | null; webhook_secret?: string },
  ): Promise<Agent> {
    return this.request('PATCH', `/agents/${id(uuid)}`, body);
  }

  publishAgent(uuid: string): Promise<Agent> {
    return this.request('POST', `/agents/${id(uuid)}/publish`);
  }

  archiveAgent(uuid: string): Promise<Agent> {
    return this.request('POST', `/agents/${id(uuid)}/archive`);
  }

  listTelephony(options: { cursor?: string; provider?: string } = {}): Promise<Page<TelephonyConfiguration>> {
    return this.request('GET', `/telephony-configurations${queryString(options)}`);
  }

  createTelephony(body: Record<string, unknown>): Promise<TelephonyConfiguration> {
    return this.request('POST', '/telephony-configurations', body);
  }

  updateTelephony(configId: string, body: Record<string, unknown>): Promise<TelephonyConfiguration> {
    return this.request('PATCH', `/telephony-configurations/${id(configId)}`, body);
  }

  deleteTelephony(configId: string): Promise<void> {
    return this.request('DELETE', `/telephony-configurations/${id(configId)}`);
  }

  /** Checks a configuration's stored credentials against its provider. */
  testTelephony(configId: string): Promise<CredentialTestResult> {
    return this.request('POST', `/telephony-configurations/${id(configId)}/test`);
  }

  listServiceCredentials(options: { cursor?: string; vendor?: string } = {}): Promise<Page<ServiceCredential>> {
    return this.request('GET', `/service-credentials${queryString({ ...options, limit: 100 })}`);
  }

  createServiceCredential(body: { vendor: string; name: string; api_key: string; base_url?: string | null }): Promise<ServiceCredential> {
    return this.request('POST', '/service-credentials', body);
  }

  updateServiceCredential(credentialId: string, body: { name?: string; api_key?: string; base_url?: string | null }): Promise<ServiceCredential> {
    return this.request('PATCH', `/service-credentials/${id(credentialId)}`, body);
  }

  deleteServiceCredential(credentialId: string): Promise<void> {
    return this.request('DELETE', `/service-credentials/${id(credentialId)}`);
  }

  /** Checks a credential's stored key against its vendor. */
  testServiceCredential(credentialId: string): Promise<CredentialTestResult> {
    return this.request('POST', `/service-credentials/${id(credentialId)}/test`);
  }

  listRuns(filters: RunFilters & { cursor?: string } = {}): Promise<Page<Run>> {
    return this.request('GET', `/runs${queryString({ ...filters })}`);
  }

  /** `GET /stats/overview` for runs created in `[from, to)`. */
  overviewStats(from: string, to: string): Promise<OverviewStats> {
    return this.request('GET', `/stats/overview${queryString({ from, to })}`);
  }

  getRun(runId: string): Promise<Run> {
    return this.request('GET', `/runs/${id(runId)}`);
  }

  listRunEvents(runId: string, cursor?: string): Promise<Page<RunEvent>> {
    return this.request('GET', `/runs/${id(runId)}/events${queryString({ cursor, limit: 500 })}`);
  }

  /** `GET /runs/{id}/webhook-deliveries`; null where the server has no such route (404 `not_found`). */
  async listWebhookDeliveries(runId: string, cursor?: string): Promise<Page<WebhookDelivery> | null> {
    try {
      return await this.request<Page<WebhookDelivery>>('GET', `/runs/${id(runId)}/webhook-deliveries${queryString({ cursor })}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  listUsers(options: { cursor?: string } = {}): Promise<Page<User>> {
    return this.request('GET', `/users${queryString(options)}`);
  }

  inviteUser(body: { email: string; role: Role }): Promise<CreatedInvitation> {
    return this.request('POST', '/users/invitations', body);
  }

  listInvitations(options: { state?: InvitationState; cursor?: string } = {}): Promise<Page<Invitation>> {
    return this.request('GET', `/users/invitations${queryString(options)}`);
  }

  revokeInvitation(invitationId: string): Promise<void> {
    return this.request('DELETE', `/users/invitations/${id(invitationId)}`);
  }

  setUserRole(userId: string, role: Role): Promise<User> {
    return this.request('PATCH', `/users/${id(userId)}`, { role });
  }

  deleteUser(userId: string): Promise<void> {
    return this.request('DELETE', `/users/${id(userId)}`);
  }

  getQuota(userId: string): Promise<Quota> {
    return this.request('GET', `/users/${id(userId)}/quota`);
  }

  putQuota(userId: string, body: { max_concurrent_calls: number | null; monthly_call_seconds: number | null }): Promise<Quota> {
    return this.request('PUT', `/users/${id(userId)}/quota`, body);
  }

  listApiKeys(): Promise<Page<ApiKey>> {
    return this.request('GET', '/api-keys');
  }

  createApiKey(body: { name: string; role: Role; expires_at?: string | null }): Promise<CreatedApiKey> {
    return this.request('POST', '/api-keys', body);
  }

  revokeApiKey(keyId: string): Promise<void> {
    return this.request('DELETE', `/api-keys/${id(keyId)}`);
  }

  /** `GET path` of a document that is not JSON (a provider's answer document): its text; ApiError when not 2xx. */
  async text(path: string): Promise<string> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, { credentials: 'same-origin' });
    } catch (err) {
      throw new ApiError(0, 'network_error', 'the server could not be reached', { cause: err });
    }
    const body = await res.text();
    if (!res.ok) throw new ApiError(res.status, 'bad_response', `unexpected answer from the server (HTTP ${res.status})`);
    return body;
  }

  private keep(session: Session): Session {
    this.csrfToken = session.csrf_token;
    return session;
  }
}
