export { startTestPostgres, MIGRATIONS_DIR, type TestPostgres } from './postgres.ts';
export { startTestControlPlane, type TestControlPlane, type TestControlPlaneOptions } from './control-plane.ts';
export { createAgentStreamFixture, admitStream, type AgentStreamFixture } from './fixtures.ts';
export { startTestRedis, type TestRedis } from './redis.ts';
