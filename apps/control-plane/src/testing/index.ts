export { startTestPostgres, MIGRATIONS_DIR, type TestPostgres } from './postgres.ts';
export { startTestControlPlane, type TestControlPlane, type TestControlPlaneOptions } from './control-plane.ts';
export { createAgentStreamFixture, admitStream, type AgentStreamFixture } from './fixtures.ts';
export { startTestRedis, type TestRedis } from './redis.ts';
export { createSignInUser, sessionRequest, signIn, type BrowserSession, type SessionAnswer, type SessionRequestOptions } from './session.ts';
export { openEventStream, type EventStreamClient, type SseEvent } from './sse-client.ts';
export { startWebhookReceiver, verifyWebhookSignature, type ReceivedWebhook, type WebhookReceiver, type WebhookResponder } from './webhook-receiver.ts';
