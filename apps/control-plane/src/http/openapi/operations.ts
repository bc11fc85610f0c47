/**
 * Every operation of the REST API (`/api/v1`): its request schemas — the very ones the routes
 * validate with — and its response bodies (resources.ts). The OpenAPI document (document.ts) is
 * built from this table; the tests check that every mounted route is in it and every response
 * matches it. A route added to a router must be added here (and to ROUTE_ROLES or PUBLIC_ROUTES).
 */
import { PROVIDER_NAMES, getProvider } from '@vr3/providers';
import { z } from 'zod';
import { CreateAgentBody, ListAgentsQuery, UpdateAgentBody } from '../agents.ts';
import { CreateApiKeyBody } from '../api-keys.ts';
import { AttachBody } from '../attach.ts';
import { AcceptInvitationBody, PasswordBody, SignInBody } from '../auth.ts';
import { CreateCampaignBody, CsvUploadQuery } from '../../campaigns/settings.ts';
import { ListCampaignsQuery, ListContactsQuery } from '../campaigns.ts';
import { PlaceCallBody } from '../calls.ts';
import { PutQuotaBody } from '../quota.ts';
import { RunEventsQuery } from '../run-events.ts';
import { ListRunsQuery } from '../runs.ts';
import { CreateServiceCredentialBody, ListServiceCredentialsQuery, UpdateServiceCredentialBody } from '../service-credentials.ts';
import { OverviewQuery } from '../stats.ts';
import { ListTelephonyQuery } from '../telephony.ts';
import { configurationBodySchema } from '../telephony-body.ts';
import { InviteUserBody, ListInvitationsQuery, ListUsersQuery, PatchUserBody } from '../users.ts';
import { WebhookDeliveriesQuery } from '../webhook-deliveries.ts';
import * as C from './campaigns.ts';
import * as R from './resources.ts';

/** HTTP methods of the API. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A response that is not JSON: its media type and a description. */
export interface RawResponse {
  mediaType: string;
  description: string;
  /** `text/event-stream`: the JSON `data` of each event, by event name (`x-vr3-events` in the document). */
  events?: Readonly<Record<string, z.ZodType>>;
}

/** One operation of the API. */
export interface Operation {
  method: Method;
  /** Relative to `/api/v1`, Express syntax (`:param`). */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  query?: z.ZodObject;
  /** The JSON body (`application/json`), or a raw media type the route reads. */
  body?: z.ZodType | RawResponse;
  /** Success responses by status: a JSON schema, a raw body, or `null` for no body (204). */
  responses: Readonly<Record<number, z.ZodType | RawResponse | null>>;
  /** No API key or session (PUBLIC_ROUTES): authorized by what the path or query carries. */
  public?: boolean;
}

const xml = (description: string): RawResponse => ({ mediaType: 'application/xml', description });
const form: RawResponse = { mediaType: 'application/x-www-form-urlencoded', description: "the provider's request parameters" };

/** One create body per provider, told apart by `provider`. */
const CreateTelephonyBody = z.union(PROVIDER_NAMES.map((name) => configurationBodySchema(getProvider(name), true).extend({ provider: z.literal(name) })) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
/** The update body of any provider (the stored configuration's provider decides which fields apply). */
const UpdateTelephonyBody = z.union(PROVIDER_NAMES.map((name) => configurationBodySchema(getProvider(name), false)) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);

const OpenApiDocument = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' });

export const OPERATIONS: readonly Operation[] = [
  // The contract itself and what providers fetch.
  { method: 'GET', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This OpenAPI 3.1 document', tag: 'meta', responses: { 200: OpenApiDocument }, public: true },
  {
    method: 'GET',
    path: '/answer/:provider/:agent_uuid',
    operationId: 'getAnswerDocument',
    summary: "The answer URL to paste into a provider's console: the document connecting an incoming call to the agent",
    tag: 'providers',
    responses: { 200: xml("the provider's answer document (Cloudonix CXML, TwiML, Vobiz/Plivo XML; Exotel: JSON {\"url\"})") },
    public: true,
  },
  { method: 'POST', path: '/answer/:provider/:agent_uuid', operationId: 'postAnswerDocument', summary: 'The answer URL, fetched with POST', tag: 'providers', body: form, responses: { 200: xml("the provider's answer document") }, public: true },
  { method: 'GET', path: '/calls/:run_id/answer', operationId: 'getOutboundAnswer', summary: "An outbound call's run-bound answer URL (stream_token in the query)", tag: 'providers', responses: { 200: xml('the document connecting the answered call to the run-bound stream') }, public: true },
  { method: 'POST', path: '/calls/:run_id/answer', operationId: 'postOutboundAnswer', summary: "An outbound call's run-bound answer URL, fetched with POST", tag: 'providers', body: form, responses: { 200: xml('the document connecting the answered call to the run-bound stream') }, public: true },
  { method: 'GET', path: '/callbacks/:provider/:run_id', operationId: 'getProviderCallback', summary: "A provider's callback sent as a GET (Exotel's Passthru applet), authorized like the POST", tag: 'providers', responses: { 204: null }, public: true },
  { method: 'POST', path: '/callbacks/:provider/:run_id', operationId: 'postProviderCallback', summary: "A provider's status callback for a run (callback secret `s` in the query, or the provider's signature)", tag: 'providers', body: form, responses: { 204: null }, public: true },

  // People and sessions.
  { method: 'POST', path: '/auth/sign-in', operationId: 'signIn', summary: 'Sign in: sets the session cookie; the body carries its CSRF token', tag: 'auth', body: SignInBody, responses: { 200: R.Session }, public: true },
  { method: 'POST', path: '/auth/accept-invitation', operationId: 'acceptInvitation', summary: 'Accept an invitation: creates the user and signs in', tag: 'auth', body: AcceptInvitationBody, responses: { 201: R.Session }, public: true },
  { method: 'GET', path: '/me', operationId: 'getMe', summary: 'Who is calling: the API key or the signed-in session', tag: 'auth', responses: { 200: R.Me } },
  { method: 'POST', path: '/auth/sign-out', operationId: 'signOut', summary: 'Sign out: revokes the session and clears its cookie', tag: 'auth', responses: { 204: null } },
  { method: 'POST', path: '/me/password', operationId: 'changePassword', summary: "Change one's password (revokes one's other sessions)", tag: 'auth', body: PasswordBody, responses: { 200: R.RevokedSessions } },

  // Agents and calls.
  { method: 'POST', path: '/agents', operationId: 'createAgent', summary: 'Create an agent (its first draft version)', tag: 'agents', body: CreateAgentBody, responses: { 201: R.Agent } },
  { method: 'GET', path: '/agents', operationId: 'listAgents', summary: 'List agents, newest first', tag: 'agents', query: ListAgentsQuery, responses: { 200: R.AgentPage } },
  { method: 'GET', path: '/agents/:uuid', operationId: 'getAgent', summary: 'An agent', tag: 'agents', responses: { 200: R.Agent } },
  { method: 'PATCH', path: '/agents/:uuid', operationId: 'updateAgent', summary: "Change an agent's name or draft engine configuration", tag: 'agents', body: UpdateAgentBody, responses: { 200: R.Agent } },
  { method: 'POST', path: '/agents/:uuid/publish', operationId: 'publishAgent', summary: 'Publish the draft: new calls run it', tag: 'agents', responses: { 200: R.Agent } },
  { method: 'POST', path: '/agents/:uuid/archive', operationId: 'archiveAgent', summary: 'Archive an agent: its stream URL refuses new calls', tag: 'agents', responses: { 200: R.Agent } },
  { method: 'POST', path: '/agents/:uuid/attach', operationId: 'attachToCall', summary: "Stream a live call to the agent through the provider's API (Vobiz, Plivo)", tag: 'calls', body: AttachBody, responses: { 201: R.Run } },
  { method: 'DELETE', path: '/runs/:id/stream', operationId: 'stopAttachedStream', summary: "Stop an attached stream through the provider (the call goes on)", tag: 'calls', responses: { 204: null } },
  { method: 'POST', path: '/agents/:uuid/calls', operationId: 'placeCall', summary: 'Place an outbound call: the provider dials `to` and streams the answered call to the agent', tag: 'calls', body: PlaceCallBody, responses: { 201: R.Run } },

  // Campaigns (docs/campaigns.md).
  {
    method: 'POST',
    path: '/campaigns',
    operationId: 'createCampaign',
    summary: 'Create a campaign from a JSON body, or from a CSV contact list (`text/csv` body, the settings in the query string)',
    tag: 'campaigns',
    query: CsvUploadQuery,
    body: CreateCampaignBody,
    responses: { 201: C.Campaign },
  },
  { method: 'GET', path: '/campaigns', operationId: 'listCampaigns', summary: 'List campaigns with their progress, newest first', tag: 'campaigns', query: ListCampaignsQuery, responses: { 200: C.CampaignPage } },
  { method: 'GET', path: '/campaigns/:campaign_id', operationId: 'getCampaign', summary: 'A campaign: settings, state and progress', tag: 'campaigns', responses: { 200: C.Campaign } },
  { method: 'GET', path: '/campaigns/:campaign_id/contacts', operationId: 'listCampaignContacts', summary: "A campaign's contacts in list order, optionally in one state", tag: 'campaigns', query: ListContactsQuery, responses: { 200: C.CampaignContactPage } },
  { method: 'POST', path: '/campaigns/:campaign_id/pause', operationId: 'pauseCampaign', summary: 'Pause a campaign: nothing more is dialled, calls in progress carry on', tag: 'campaigns', responses: { 200: C.Campaign } },
  { method: 'POST', path: '/campaigns/:campaign_id/resume', operationId: 'resumeCampaign', summary: 'Resume a paused campaign', tag: 'campaigns', responses: { 200: C.Campaign } },
  { method: 'POST', path: '/campaigns/:campaign_id/cancel', operationId: 'cancelCampaign', summary: 'Cancel a campaign: its queued contacts are cancelled, calls in progress carry on', tag: 'campaigns', responses: { 200: C.Campaign } },

  // Provider and vendor accounts.
  { method: 'POST', path: '/telephony-configurations', operationId: 'createTelephonyConfiguration', summary: "Create a telephony configuration (a provider account and its write-only credentials)", tag: 'telephony', body: CreateTelephonyBody, responses: { 201: R.TelephonyConfiguration } },
  { method: 'GET', path: '/telephony-configurations', operationId: 'listTelephonyConfigurations', summary: 'List telephony configurations, newest first', tag: 'telephony', query: ListTelephonyQuery, responses: { 200: R.TelephonyConfigurationPage } },
  { method: 'GET', path: '/telephony-configurations/:id', operationId: 'getTelephonyConfiguration', summary: 'A telephony configuration', tag: 'telephony', responses: { 200: R.TelephonyConfiguration } },
  { method: 'PATCH', path: '/telephony-configurations/:id', operationId: 'updateTelephonyConfiguration', summary: 'Change a telephony configuration', tag: 'telephony', body: UpdateTelephonyBody, responses: { 200: R.TelephonyConfiguration } },
  { method: 'DELETE', path: '/telephony-configurations/:id', operationId: 'deleteTelephonyConfiguration', summary: 'Delete a telephony configuration', tag: 'telephony', responses: { 204: null } },
  { method: 'POST', path: '/telephony-configurations/:id/test', operationId: 'testTelephonyConfiguration', summary: "Check the stored credentials with one read of the provider's account", tag: 'telephony', responses: { 200: R.CredentialTestResult } },
  { method: 'POST', path: '/service-credentials', operationId: 'createServiceCredential', summary: "Store a voice vendor's API key (write-only)", tag: 'service-credentials', body: CreateServiceCredentialBody, responses: { 201: R.ServiceCredential } },
  { method: 'GET', path: '/service-credentials', operationId: 'listServiceCredentials', summary: 'List service credentials, newest first', tag: 'service-credentials', query: ListServiceCredentialsQuery, responses: { 200: R.ServiceCredentialPage } },
  { method: 'GET', path: '/service-credentials/:id', operationId: 'getServiceCredential', summary: 'A service credential', tag: 'service-credentials', responses: { 200: R.ServiceCredential } },
  { method: 'PATCH', path: '/service-credentials/:id', operationId: 'updateServiceCredential', summary: 'Change a service credential', tag: 'service-credentials', body: UpdateServiceCredentialBody, responses: { 200: R.ServiceCredential } },
  { method: 'DELETE', path: '/service-credentials/:id', operationId: 'deleteServiceCredential', summary: 'Delete a service credential no agent uses', tag: 'service-credentials', responses: { 204: null } },
  { method: 'POST', path: '/service-credentials/:id/test', operationId: 'testServiceCredential', summary: "Check the stored key with one read of the vendor's API", tag: 'service-credentials', responses: { 200: R.CredentialTestResult } },

  // Runs.
  { method: 'GET', path: '/runs', operationId: 'listRuns', summary: 'List runs, newest first, with filters', tag: 'runs', query: ListRunsQuery, responses: { 200: R.RunPage } },
  { method: 'GET', path: '/runs/:id', operationId: 'getRun', summary: 'A run', tag: 'runs', responses: { 200: R.Run } },
  { method: 'GET', path: '/runs/:id/events', operationId: 'listRunEvents', summary: "A run's events, in order", tag: 'runs', query: RunEventsQuery, responses: { 200: R.RunEventPage } },
  { method: 'GET', path: '/runs/:id/webhook-deliveries', operationId: 'listRunWebhookDeliveries', summary: "Every attempt at delivering a run's webhook events, newest first", tag: 'runs', query: WebhookDeliveriesQuery, responses: { 200: R.WebhookDeliveryPage } },
  { method: 'GET', path: '/runs/:id/recording', operationId: 'getRunRecording', summary: "The run's two-channel WAV recording (caller left, agent right); Range requests answered 206", tag: 'runs', responses: { 200: { mediaType: 'audio/wav', description: 'the recording' }, 206: { mediaType: 'audio/wav', description: 'the requested byte range' } } },
  { method: 'POST', path: '/runs/:id/hangup', operationId: 'hangUpRun', summary: 'Hang up a live call', tag: 'runs', responses: { 202: R.Run } },
  {
    method: 'GET',
    path: '/live-calls/events',
    operationId: 'liveCallEvents',
    summary: "The organization's live calls as Server-Sent Events (docs/live-calls.md)",
    tag: 'runs',
    responses: {
      200: {
        mediaType: 'text/event-stream',
        description: 'snapshot, then call.started / call.updated / call.transcript / call.ended events',
        events: { snapshot: R.LiveCallsSnapshot, 'call.started': R.LiveCallChange, 'call.updated': R.LiveCallChange, 'call.ended': R.LiveCallChange, 'call.transcript': R.LiveTranscriptLine },
      },
    },
  },
  { method: 'GET', path: '/stats/overview', operationId: 'getOverviewStats', summary: "The organization's calls per hour, failure reasons, minutes against quota and latency distributions over a range", tag: 'runs', query: OverviewQuery, responses: { 200: R.OverviewStats } },

  // Organization administration.
  { method: 'GET', path: '/users', operationId: 'listUsers', summary: "The organization's users, oldest first", tag: 'users', query: ListUsersQuery, responses: { 200: R.UserPage } },
  { method: 'POST', path: '/users/invitations', operationId: 'inviteUser', summary: 'Invite a person (the single-use token is in this response only)', tag: 'users', body: InviteUserBody, responses: { 201: R.CreatedInvitation } },
  { method: 'GET', path: '/users/invitations', operationId: 'listInvitations', summary: "The organization's invitations, newest first (never their tokens)", tag: 'users', query: ListInvitationsQuery, responses: { 200: R.InvitationPage } },
  { method: 'DELETE', path: '/users/invitations/:id', operationId: 'revokeInvitation', summary: 'Revoke an invitation not yet accepted: its token no longer accepts', tag: 'users', responses: { 204: null } },
  { method: 'PATCH', path: '/users/:id', operationId: 'updateUser', summary: "Change a user's role", tag: 'users', body: PatchUserBody, responses: { 200: R.User } },
  { method: 'DELETE', path: '/users/:id', operationId: 'deleteUser', summary: 'Remove a user', tag: 'users', responses: { 204: null } },
  { method: 'GET', path: '/users/:user_id/quota', operationId: 'getQuota', summary: "A user's quota and current usage", tag: 'users', responses: { 200: R.Quota } },
  { method: 'PUT', path: '/users/:user_id/quota', operationId: 'putQuota', summary: "Replace a user's quota (null = unlimited)", tag: 'users', body: PutQuotaBody, responses: { 200: R.Quota } },
  { method: 'POST', path: '/api-keys', operationId: 'createApiKey', summary: 'Create an API key (the key is in this response only)', tag: 'api-keys', body: CreateApiKeyBody, responses: { 201: R.CreatedApiKey } },
  { method: 'GET', path: '/api-keys', operationId: 'listApiKeys', summary: "The organization's API keys", tag: 'api-keys', responses: { 200: R.ApiKeyList } },
  { method: 'DELETE', path: '/api-keys/:id', operationId: 'revokeApiKey', summary: 'Revoke an API key at once', tag: 'api-keys', responses: { 204: null } },
];
