// `turbo dev` entry of one distributed app: fills in the local connection variables of
// scripts/dev-services.sh (which `turbo dev` runs alongside, as a persistent task: the app waits for
// NATS and PostgreSQL, logging while they are not up yet), a development secret key and admin API
// key kept under .vr3-dev/, and runs the app with `node --watch`.
//   node scripts/dev.mjs control-plane|media-edge
// Ports: VR3_DEV_EDGE_PORT (8080, the Agent Stream), VR3_DEV_CONTROL_PLANE_PORT (8081, the REST API).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const app = process.argv[2];
const MAIN = { 'control-plane': 'apps/control-plane/src/main.ts', 'media-edge': 'apps/media-edge/src/main.ts' }[app];
if (!MAIN) {
  console.error('usage: node scripts/dev.mjs control-plane|media-edge');
  process.exit(64);
}
const dir = path.resolve(ROOT, process.env.VR3_DEV_DIR ?? '.vr3-dev');
fs.mkdirSync(dir, { recursive: true });
const secret = (name, make) => {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) fs.writeFileSync(file, make(), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
};

const edgePort = process.env.VR3_DEV_EDGE_PORT ?? '8080';
const controlPlanePort = process.env.VR3_DEV_CONTROL_PLANE_PORT ?? '8081';
const env = {
  NATS_URL: `nats://127.0.0.1:${process.env.VR3_DEV_NATS_PORT ?? 4222}`,
  LOG_LEVEL: 'debug',
  ...(app === 'control-plane'
    ? {
        DATABASE_URL: `postgresql://postgres@127.0.0.1:${process.env.VR3_DEV_PG_PORT ?? 5432}/vr3`,
        REDIS_URL: `redis://127.0.0.1:${process.env.VR3_DEV_REDIS_PORT ?? 6379}`,
        VR3_SECRET_KEY: secret('secret.key', () => randomBytes(32).toString('hex')),
        VR3_BOOTSTRAP_API_KEY: secret('api.key', () => `vr3_dev_${randomBytes(16).toString('hex')}`),
        VR3_MIGRATE_ON_START: 'true',
        VR3_ALLOW_INSECURE_PROVIDER_URLS: 'true',
      }
    : { VR3_EDGE_ID: 'dev-edge-1', VR3_DRAIN_TIMEOUT_MS: '5000' }),
  ...process.env,
  // The two apps share this environment: a PORT of the shell must not put both on one port.
  PORT: app === 'control-plane' ? controlPlanePort : edgePort,
};
if (app === 'control-plane') {
  const product = `http://127.0.0.1:${controlPlanePort}`;
  console.log(`control-plane: REST on ${product}/api/v1 — admin API key: ${env.VR3_BOOTSTRAP_API_KEY}`);
  // The REST API and the Agent Stream are on different ports here: --edge makes setup print the media-edge's URL.
  console.log(
    'control-plane: try it with\n' +
      '  npx --no vr3-sim provider-api --port 9090 --quiet &\n' +
      `  npx --no vr3-sim setup --product ${product} --edge ws://127.0.0.1:${edgePort} --api-key ${env.VR3_BOOTSTRAP_API_KEY} --provider-api http://127.0.0.1:9090`,
  );
} else {
  console.log(`media-edge: Agent Stream on ws://127.0.0.1:${edgePort}/api/v1/agent-stream/{agent_uuid}`);
}
const child = spawn(process.execPath, ['--import', 'tsx', '--watch', '--watch-preserve-output', path.join(ROOT, MAIN)], { cwd: ROOT, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
