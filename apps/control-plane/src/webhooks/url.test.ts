import type { ResolveHost } from '@vr3/providers';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './url.ts';

/** `hooks.example.com` is public; `internal.example.com` resolves to a private address. */
const resolveHost: ResolveHost = async (hostname) => {
  if (hostname === 'hooks.example.com') return [{ address: '93.184.215.14', family: 4 }];
  if (hostname === 'internal.example.com') return [{ address: '10.1.2.3', family: 4 }];
  throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
};
const strict = { allowInsecure: false, resolveHost, timeoutMs: 1_000 };
const lenient = { allowInsecure: true, resolveHost, timeoutMs: 1_000 };

const codeOf = async (value: string, rules = strict): Promise<unknown> =>
  checkWebhookUrl(value, rules).then(
    () => 'accepted',
    (err: { code?: unknown; status?: unknown }) => `${String(err.status)} ${String(err.code)}`,
  );

describe('checkWebhookUrl', () => {
  it('accepts a public https URL and keeps its path as given', async () => {
    expect(await checkWebhookUrl(' https://Hooks.Example.com/vr3/events/ ', strict)).toBe('https://hooks.example.com/vr3/events/');
  });

  it('refuses http, non-public hosts, unresolvable hosts and URLs with credentials or a query', async () => {
    expect(await codeOf('http://hooks.example.com/x')).toBe('422 insecure_webhook_url');
    expect(await codeOf('https://internal.example.com/x')).toBe('422 disallowed_webhook_url');
    expect(await codeOf('https://127.0.0.1:8443/x')).toBe('422 disallowed_webhook_url');
    expect(await codeOf('https://nowhere.example.com/x')).toBe('422 unresolvable_webhook_url');
    expect(await codeOf('https://user:pw@hooks.example.com/x')).toBe('422 invalid_webhook_url');
    expect(await codeOf('https://hooks.example.com/x?token=1')).toBe('422 invalid_webhook_url');
    expect(await codeOf('ftp://hooks.example.com/x')).toBe('422 invalid_webhook_url');
    expect(await codeOf('not a url')).toBe('422 invalid_webhook_url');
  });

  it('allows http and local hosts behind the insecure-URL switch', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:9999/hook', lenient)).toBe('http://127.0.0.1:9999/hook');
    expect(await codeOf('ftp://127.0.0.1/x', lenient)).toBe('422 invalid_webhook_url');
  });
});
