import { describe, expect, it } from 'vitest';
import { isSameOrigin, servedOverTls } from './request-origin.ts';

describe('request origin', () => {
  const req = (headers: Record<string, string>, secure = false) => ({ headers, secure });

  it('same origin: no Origin, the request\'s own host, or the public base URL\'s origin', () => {
    expect(isSameOrigin(req({ host: 'cp:8080' }), null)).toBe(true);
    expect(isSameOrigin(req({ host: 'cp:8080', origin: 'http://cp:8080' }), null)).toBe(true);
    expect(isSameOrigin(req({ host: 'CP:8080', origin: 'https://cp:8080' }), null)).toBe(true);
    expect(isSameOrigin(req({ host: '127.0.0.1:9', origin: 'https://voice.example.com' }), 'wss://voice.example.com')).toBe(true);
    expect(isSameOrigin(req({ host: '127.0.0.1:9', origin: 'https://voice.example.com:8443' }), 'wss://voice.example.com:8443')).toBe(true);
  });

  it('anything else is cross-origin', () => {
    for (const origin of ['null', 'https://evil.example', 'http://cp:8081', 'http://cp:8080.evil.example', 'file://', 'not a url']) {
      expect({ origin, same: isSameOrigin(req({ host: 'cp:8080', origin }), 'wss://voice.example.com') }).toEqual({ origin, same: false });
    }
    expect(isSameOrigin(req({ origin: 'http://voice.example.com' }), 'wss://voice.example.com')).toBe(false);
  });

  it('TLS: terminated here, or a public base URL over https/wss', () => {
    expect(servedOverTls(req({}, true), null)).toBe(true);
    expect(servedOverTls(req({}), 'wss://voice.example.com')).toBe(true);
    expect(servedOverTls(req({}), 'https://voice.example.com')).toBe(true);
    expect(servedOverTls(req({}), 'ws://127.0.0.1:8080')).toBe(false);
    expect(servedOverTls(req({}), null)).toBe(false);
  });
});
