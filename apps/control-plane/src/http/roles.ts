import { UserRole } from '../generated/prisma/enums.ts';
import { compileRouteTable } from './route-match.ts';

/** Roles of an organization's users and API keys, lowest first. */
export const Role = UserRole;
/** `admin` or `member`. */
export type Role = UserRole;

/** Order of the roles: a role may do everything the roles below it may. */
const ROLE_RANK: Record<Role, number> = { member: 0, admin: 1 };

/** True when `role` may do what `required` may. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

/** The lower of two roles: what a key may do is bounded by its own role and its user's. */
export function lowerRole(a: Role, b: Role): Role {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

/** One REST route (`path` relative to `/api/v1`, Express syntax) and the least role that may call it. */
export interface RouteRole {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  role: Role;
}

/**
 * Every REST route and its minimum role: the one table {@link authorize} enforces, for API keys and
 * signed-in people (session cookies) alike, docs/agent-stream.md ("Roles") lists and the tests walk.
 * Members read agents, runs and run events, may hang up calls, sign out and change their password;
 * everything that changes agents, provider credentials (telephony configurations, which also name
 * the organization's provider accounts), quotas, API keys or users is `admin`, and so is every
 * service-credential route, reads included (which vendor accounts exist is admin material), and so is
 * placing an outbound call and creating, pausing, resuming or cancelling a campaign (they cost
 * money on the organization's provider account); members read campaigns and their contacts. A route
 * missing here needs `admin` (fail closed).
 */
export const ROUTE_ROLES = [
  { method: 'GET', path: '/me', role: 'member' },
  { method: 'POST', path: '/me/password', role: 'member' },
  { method: 'POST', path: '/auth/sign-out', role: 'member' },
  { method: 'POST', path: '/agents', role: 'admin' },
  { method: 'GET', path: '/agents', role: 'member' },
  { method: 'GET', path: '/agents/:uuid', role: 'member' },
  { method: 'PATCH', path: '/agents/:uuid', role: 'admin' },
  { method: 'POST', path: '/agents/:uuid/publish', role: 'admin' },
  { method: 'POST', path: '/agents/:uuid/archive', role: 'admin' },
  { method: 'POST', path: '/agents/:uuid/calls', role: 'admin' },
  { method: 'POST', path: '/agents/:uuid/attach', role: 'admin' },
  { method: 'POST', path: '/telephony-configurations', role: 'admin' },
  { method: 'GET', path: '/telephony-configurations', role: 'admin' },
  { method: 'GET', path: '/telephony-configurations/:id', role: 'admin' },
  { method: 'PATCH', path: '/telephony-configurations/:id', role: 'admin' },
  { method: 'DELETE', path: '/telephony-configurations/:id', role: 'admin' },
  { method: 'POST', path: '/telephony-configurations/:id/test', role: 'admin' },
  { method: 'POST', path: '/service-credentials', role: 'admin' },
  { method: 'GET', path: '/service-credentials', role: 'admin' },
  { method: 'GET', path: '/service-credentials/:id', role: 'admin' },
  { method: 'PATCH', path: '/service-credentials/:id', role: 'admin' },
  { method: 'DELETE', path: '/service-credentials/:id', role: 'admin' },
  { method: 'POST', path: '/service-credentials/:id/test', role: 'admin' },
  { method: 'GET', path: '/runs', role: 'member' },
  { method: 'GET', path: '/runs/:id', role: 'member' },
  { method: 'GET', path: '/runs/:id/events', role: 'member' },
  { method: 'GET', path: '/runs/:id/recording', role: 'admin' },
  { method: 'GET', path: '/runs/:id/webhook-deliveries', role: 'member' },
  { method: 'POST', path: '/runs/:id/hangup', role: 'member' },
  { method: 'DELETE', path: '/runs/:id/stream', role: 'member' },
  { method: 'GET', path: '/live-calls/events', role: 'member' },
  { method: 'GET', path: '/stats/overview', role: 'member' },
  { method: 'POST', path: '/campaigns', role: 'admin' },
  { method: 'GET', path: '/campaigns', role: 'member' },
  { method: 'GET', path: '/campaigns/:campaign_id', role: 'member' },
  { method: 'GET', path: '/campaigns/:campaign_id/contacts', role: 'member' },
  { method: 'POST', path: '/campaigns/:campaign_id/pause', role: 'admin' },
  { method: 'POST', path: '/campaigns/:campaign_id/resume', role: 'admin' },
  { method: 'POST', path: '/campaigns/:campaign_id/cancel', role: 'admin' },
  { method: 'GET', path: '/users', role: 'admin' },
  { method: 'POST', path: '/users/invitations', role: 'admin' },
  { method: 'GET', path: '/users/invitations', role: 'admin' },
  { method: 'DELETE', path: '/users/invitations/:id', role: 'admin' },
  { method: 'PATCH', path: '/users/:id', role: 'admin' },
  { method: 'DELETE', path: '/users/:id', role: 'admin' },
  { method: 'GET', path: '/users/:user_id/quota', role: 'admin' },
  { method: 'PUT', path: '/users/:user_id/quota', role: 'admin' },
  { method: 'POST', path: '/api-keys', role: 'admin' },
  { method: 'GET', path: '/api-keys', role: 'admin' },
  { method: 'DELETE', path: '/api-keys/:id', role: 'admin' },
] as const satisfies readonly RouteRole[];

/**
 * Routes that take no API key, mounted before authentication: the OpenAPI document (the API's
 * public contract), the answer URLs providers fetch
 * (`answer.ts`), which the agent UUID in the path authorizes, as it does the stream URL; an outbound
 * call's answer URL and status callbacks (`callbacks.ts`), which its stream token and callback
 * secret authorize; sign-in and invitation acceptance (`auth.ts`), which open a session.
 */
export const PUBLIC_ROUTES = [
  { method: 'GET', path: '/openapi.json' },
  { method: 'POST', path: '/auth/sign-in' },
  { method: 'POST', path: '/auth/accept-invitation' },
  { method: 'GET', path: '/answer/:provider/:agent_uuid' },
  { method: 'POST', path: '/answer/:provider/:agent_uuid' },
  { method: 'GET', path: '/calls/:run_id/answer' },
  { method: 'POST', path: '/calls/:run_id/answer' },
  { method: 'POST', path: '/callbacks/:provider/:run_id' },
  { method: 'GET', path: '/callbacks/:provider/:run_id' },
] as const satisfies ReadonlyArray<Omit<RouteRole, 'role'>>;

/** Role required when no route of the table matches (unknown paths, methods not listed). */
export const UNLISTED_ROUTE_ROLE: Role = 'admin';

/**
 * Compiles `routes` into a lookup `(method, path) → role` matching as Express does by default
 * (route-match.ts). Any mismatch with Express can only ask for more (an unmatched request needs
 * {@link UNLISTED_ROUTE_ROLE}).
 */
export function compileRouteRoles(routes: readonly RouteRole[]): (method: string, path: string) => Role {
  const match = compileRouteTable(routes);
  return (method, path) => match(method, path)?.role ?? UNLISTED_ROUTE_ROLE;
}
