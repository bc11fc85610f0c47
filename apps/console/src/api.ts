/**
 * The console's client of the product's REST API (`/api/v1`): same-origin `fetch` with the session
 * cookie, the session's CSRF token in `X-CSRF-Token` on every unsafe method, and the API's error
 * shape `{"error":{"code","message"}}` turned into an {@link ApiError}.
 */

/** Role of a person in their organization. */
export type Role = 'admin' | 'member';

/** `GET /me` (and the answer to sign-in) for a signed-in person. */
export interface Session {
  user_id: string;
  organization_id: string;
  role: Role;
  session_id: string;
  email: string;
  name: string | null;
  csrf_token: string;
}

/** An agent as `GET /agents` lists it (the fields the console reads). */
export interface Agent {
  uuid: string;
  name: string;
  engine: { type: string } | null;
  draft_version: number | null;
  published_version: number | null;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

/** One page of a list: `next_cursor` (when the route pages) fetches the next. */
export interface Page<T> {
  data: T[];
  next_cursor?: string | null;
}

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
  listAgents(options: { cursor?: string; includeArchived?: boolean } = {}): Promise<Page<Agent>> {
    const query = new URLSearchParams();
    if (options.cursor) query.set('cursor', options.cursor);
    if (options.includeArchived) query.set('include_archived', 'true');
    const qs = query.toString();
    return this.request<Page<Agent>>('GET', `/agents${qs ? `?${qs}` : ''}`);
  }

  private keep(session: Session): Session {
    this.csrfToken = session.csrf_token;
    return session;
  }
}
