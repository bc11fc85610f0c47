// docker-compose.yml, deploy/Dockerfile and deploy/haproxy.cfg, which Docker cannot run here: the
// compose file is validated by Docker Compose itself (`docker-compose config`, Debian's
// docker-compose package) and the load balancer's configuration by `haproxy -c` (Debian's haproxy),
// each when installed (.ci/run installs both); and every process the images start is the npm
// script, and so the entry file, that the test suites start.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSelfSignedCertificate } from '@vr3/env/testing';
import { MAINS } from '../harness/distributed.ts';
import { MAIN } from '../harness/product.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPOSE = path.join(ROOT, 'docker-compose.yml');
const DOCKERFILE = path.join(ROOT, 'deploy/Dockerfile');
const HAPROXY = path.join(ROOT, 'deploy/haproxy.cfg');
/** Where deploy/haproxy.cfg reads its certificate (docs/operations.md, "TLS"). */
const HAPROXY_CERT = '/etc/vr3/tls/vr3.pem';

const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).status === 0;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vr3-deploy-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** `docker-compose config -q` on `file` (a copy's relative paths resolve from the repository). */
function composeConfig(file: string, env: Record<string, string>): { status: number | null; output: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VR3_')));
  const res = spawnSync('docker-compose', ['--project-directory', ROOT, '-f', file, 'config', '-q'], { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: res.status, output: res.stdout + res.stderr };
}

/**
 * The services of docker-compose.yml as written: for each, whether it is built from the
 * repository's image (`<<: *app`) and its `command`/`entrypoint` (JSON-style arrays, as the file
 * writes them). Throws on a command written another way, so none escapes the check.
 */
function composeServices(source: string): Map<string, { app: boolean; command?: string[]; entrypoint?: string[] }> {
  const services = new Map<string, { app: boolean; command?: string[]; entrypoint?: string[] }>();
  let inServices = false;
  let current: { app: boolean; command?: string[]; entrypoint?: string[] } | undefined;
  for (const line of source.split('\n')) {
    if (/^\S/.test(line)) {
      inServices = line.startsWith('services:');
      current = undefined;
      continue;
    }
    if (!inServices) continue;
    const service = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (service) {
      current = { app: false };
      services.set(service[1]!, current);
      continue;
    }
    if (!current) continue;
    if (/^ {4}<<: \*app\s*$/.test(line)) current.app = true;
    const field = /^ {4}(command|entrypoint):\s*(.*)$/.exec(line);
    if (field) {
      const value = field[2]!.trim();
      if (!value.startsWith('[')) throw new Error(`docker-compose.yml: ${field[1]} not written as a JSON array: ${line.trim()}`);
      current[field[1] as 'command' | 'entrypoint'] = JSON.parse(value) as string[];
    }
  }
  return services;
}

const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/**
 * What `npm run <script>` starts, checked against what the tests start: a `node --import tsx
 * <entry>` script must name an entry file a test harness spawns; `db:migrate` is what
 * tests/distributed/boot.test.ts runs by name.
 */
function expectTestedScript(argv: string[], where: string): void {
  expect(argv.slice(0, 2), `${where}: runs an npm script`).toEqual(['npm', 'run']);
  expect(argv, `${where}: no extra arguments`).toHaveLength(3);
  const name = argv[2]!;
  const script = scripts[name];
  expect(script, `${where}: package.json has the script ${name}`).toBeDefined();
  const entry = /^node --import tsx (\S+)$/.exec(script!);
  if (entry) {
    const tested: string[] = [...Object.values(MAINS), MAIN];
    expect(tested, `${where}: ${name} starts ${entry[1]}, an entry file the test harnesses spawn`).toContain(path.join(ROOT, entry[1]!));
    return;
  }
  expect(name, `${where}: ${name} is neither an entry-file script nor db:migrate`).toBe('db:migrate');
  expect(script).toBe('prisma migrate deploy');
  expect(fs.readFileSync(path.join(ROOT, 'tests/distributed/boot.test.ts'), 'utf8')).toContain("'db:migrate'");
}

describe('docker-compose.yml', () => {
  it.skipIf(!dockerCompose)('is a valid Compose file (docker-compose config), and refuses to start without VR3_SECRET_KEY', () => {
    const ok = composeConfig(COMPOSE, { VR3_SECRET_KEY: 'a'.repeat(64) });
    expect(ok.output).toBe('');
    expect(ok.status).toBe(0);
    const missing = composeConfig(COMPOSE, {});
    expect(missing.status).not.toBe(0);
    expect(missing.output).toMatch(/set VR3_SECRET_KEY/);
    // The validator is not a formality: a misspelt option is refused.
    const typo = path.join(tmp, 'typo.yml');
    fs.writeFileSync(typo, fs.readFileSync(COMPOSE, 'utf8').replace('stop_grace_period: 45s', 'stop_grace_periods: 45s'));
    const refused = composeConfig(typo, { VR3_SECRET_KEY: 'a'.repeat(64) });
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(/stop_grace_periods/);
  });

  it('starts every process of the repository image with the npm script whose entry file the tests start; no entrypoint overrides', () => {
    const services = composeServices(fs.readFileSync(COMPOSE, 'utf8'));
    const apps = [...services].filter(([, s]) => s.app);
    expect(apps.map(([name]) => name).sort()).toEqual(['control-plane', 'media-edge', 'migrate']);
    for (const [name, service] of apps) {
      expect(service.entrypoint, `${name}: entrypoint`).toBeUndefined();
      expect(service.command, `${name}: command`).toBeDefined();
      expectTestedScript(service.command!, `docker-compose.yml ${name}`);
    }
    expect(services.get('control-plane')?.command).toEqual(['npm', 'run', 'start:control-plane']);
    expect(services.get('media-edge')?.command).toEqual(['npm', 'run', 'start:media-edge']);
  });

  it('mounts the certificate directory at the path deploy/haproxy.cfg reads, and publishes only the TLS port, the redirect and the stats', () => {
    const source = fs.readFileSync(COMPOSE, 'utf8');
    const lb = source.slice(source.indexOf('\n  lb:'));
    expect(lb).toContain(`- \${VR3_TLS_DIR:-./deploy/tls}:${path.posix.dirname(HAPROXY_CERT)}:ro`);
    expect(lb).toContain('- "443:8443"');
    expect(lb).toContain('- "80:8080"');
    expect(fs.existsSync(path.join(ROOT, 'deploy/tls/README.md'))).toBe(true);
  });
});

describe('deploy/Dockerfile', () => {
  it('its default command is an npm script the tests start, with no entrypoint', () => {
    const dockerfile = fs.readFileSync(DOCKERFILE, 'utf8');
    expect(dockerfile).not.toMatch(/^ENTRYPOINT/m);
    const cmd = /^CMD (\[.*\])\s*$/m.exec(dockerfile);
    expect(cmd, 'CMD in JSON form').not.toBeNull();
    expectTestedScript(JSON.parse(cmd![1]!) as string[], 'deploy/Dockerfile CMD');
  });

  it('is the only Dockerfile of the repository', () => {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (['node_modules', '.git', '.turbo', '.vr3', '.vr3-dev', 'generated'].includes(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/^Dockerfile|\.Dockerfile$|^Containerfile/.test(entry.name)) found.push(path.relative(ROOT, full));
      }
    };
    walk(ROOT);
    expect(found).toEqual(['deploy/Dockerfile']);
  });
});

describe('deploy/haproxy.cfg', () => {
  it('terminates TLS with the documented certificate path and proxies nothing in plain text', () => {
    const cfg = fs.readFileSync(HAPROXY, 'utf8');
    const binds = [...cfg.matchAll(/^\s*bind\s+(.*)$/gm)].map((m) => m[1]!.trim());
    expect(binds).toEqual([`:8443 ssl crt ${HAPROXY_CERT} alpn http/1.1`, ':8080', ':8404']);
    // :8080 is the redirect frontend only.
    const redirect = cfg.slice(cfg.indexOf('frontend http_redirect'), cfg.indexOf('frontend stats'));
    expect(redirect).toContain('bind :8080');
    expect(redirect).toContain('http-request redirect scheme https');
    expect(redirect).not.toMatch(/use_backend|default_backend/);
  });

  it.skipIf(!haproxy)('is valid (haproxy -c) with a certificate at that path', () => {
    const cert = writeSelfSignedCertificate(tmp, 'lb');
    const pem = path.join(tmp, 'vr3.pem');
    fs.writeFileSync(pem, Buffer.concat([cert.cert, fs.readFileSync(cert.keyFile)]));
    const cfg = path.join(tmp, 'haproxy.cfg');
    fs.writeFileSync(cfg, fs.readFileSync(HAPROXY, 'utf8').replaceAll(HAPROXY_CERT, pem));
    const res = spawnSync('haproxy', ['-c', '-f', cfg], { encoding: 'utf8', timeout: 30_000 });
    expect(res.status, res.stdout + res.stderr).toBe(0);
    // Without the certificate HAProxy refuses to start: the check does read it.
    fs.rmSync(pem);
    expect(spawnSync('haproxy', ['-c', '-f', cfg], { encoding: 'utf8', timeout: 30_000 }).status).not.toBe(0);
  });
});
