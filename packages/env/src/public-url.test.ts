import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from './parse.ts';
import { derivedPublicUrl, isPublicBaseUrl, PUBLIC_URL_ENV, publicBasesOf } from './public-url.ts';

describe('public URL', () => {
  it('takes a scheme, host and port only', () => {
    for (const ok of ['wss://voice.example.com', 'https://voice.example.com/', 'ws://127.0.0.1:8080', 'http://[::1]:8080']) expect(isPublicBaseUrl(ok)).toBe(true);
    for (const bad of ['voice.example.com', 'ftp://voice.example.com', 'wss://voice.example.com/stream', 'wss://u:p@voice.example.com', 'wss://voice.example.com?x=1', 'wss://voice.example.com#x']) {
      expect(isPublicBaseUrl(bad)).toBe(false);
    }
    const schema = z.object(PUBLIC_URL_ENV);
    expect(parseEnv(schema, { VR3_PUBLIC_URL: 'wss://voice.example.com' }).VR3_PUBLIC_URL).toBe('wss://voice.example.com');
    expect(parseEnv(schema, {}).VR3_PUBLIC_URL).toBeUndefined();
    expect(() => parseEnv(schema, { VR3_PUBLIC_URL: 'wss://voice.example.com/x' })).toThrow(/VR3_PUBLIC_URL/);
  });

  it('turns one base into the stream (ws/wss) and HTTP (http/https) bases, keeping security and the port', () => {
    expect(publicBasesOf('wss://voice.example.com')).toEqual({ stream: 'wss://voice.example.com', http: 'https://voice.example.com' });
    expect(publicBasesOf('https://voice.example.com/')).toEqual({ stream: 'wss://voice.example.com', http: 'https://voice.example.com' });
    expect(publicBasesOf('ws://127.0.0.1:8080')).toEqual({ stream: 'ws://127.0.0.1:8080', http: 'http://127.0.0.1:8080' });
    expect(publicBasesOf('http://voice.example.com:8443')).toEqual({ stream: 'ws://voice.example.com:8443', http: 'http://voice.example.com:8443' });
    expect(publicBasesOf('wss://voice.example.com:443')).toEqual({ stream: 'wss://voice.example.com', http: 'https://voice.example.com' });
    expect(() => publicBasesOf('wss://voice.example.com/path')).toThrow(TypeError);
  });

  it('derives a base from where an app listens', () => {
    expect(derivedPublicUrl({ host: '0.0.0.0', port: 8080, tls: false })).toBe('ws://localhost:8080');
    expect(derivedPublicUrl({ host: '127.0.0.1', port: 40000, tls: true })).toBe('wss://127.0.0.1:40000');
    expect(derivedPublicUrl({ host: 'fe80::1', port: 8080, tls: false })).toBe('ws://[fe80::1]:8080');
    expect(derivedPublicUrl({ host: 'voice.example.com', port: 443, tls: true })).toBe('wss://voice.example.com');
  });
});
