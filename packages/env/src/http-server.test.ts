import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { HTTP_SERVER_ENV, httpServerLimits, httpServerOptions, type HttpServerLimits } from './http-server.ts';
import { parseEnv } from './parse.ts';

const DEFAULTS: HttpServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 5_000 };
const Schema = z.object(HTTP_SERVER_ENV);

describe('httpServerLimits', () => {
  it('takes each variable set, the app’s default for each unset one', () => {
    expect(httpServerLimits(parseEnv(Schema, {}), DEFAULTS)).toEqual(DEFAULTS);
    expect(
      httpServerLimits(
        parseEnv(Schema, { VR3_HTTP_HEADERS_TIMEOUT_MS: '2000', VR3_HTTP_REQUEST_TIMEOUT_MS: '4000', VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: '0', VR3_MAX_CONNECTIONS: '300' }),
        DEFAULTS,
      ),
    ).toEqual({ headersTimeoutMs: 2_000, requestTimeoutMs: 4_000, keepAliveTimeoutMs: 0, maxConnections: 300 });
    expect(httpServerLimits(parseEnv(Schema, { VR3_MAX_CONNECTIONS: '7' }), DEFAULTS)).toEqual({ ...DEFAULTS, maxConnections: 7 });
  });

  it('refuses a request timeout below the headers timeout, and bad values, naming the variable', () => {
    expect(() => httpServerLimits(parseEnv(Schema, { VR3_HTTP_REQUEST_TIMEOUT_MS: '5000' }), DEFAULTS)).toThrow(ConfigError);
    expect(() => httpServerLimits(parseEnv(Schema, { VR3_HTTP_HEADERS_TIMEOUT_MS: '40000' }), DEFAULTS)).toThrow(
      'invalid environment: VR3_HTTP_REQUEST_TIMEOUT_MS: must be at least VR3_HTTP_HEADERS_TIMEOUT_MS',
    );
    expect(httpServerLimits(parseEnv(Schema, { VR3_HTTP_HEADERS_TIMEOUT_MS: '30000' }), DEFAULTS).requestTimeoutMs).toBe(30_000);
    expect(() => parseEnv(Schema, { VR3_HTTP_HEADERS_TIMEOUT_MS: '99' })).toThrow(/VR3_HTTP_HEADERS_TIMEOUT_MS must be an integer ≥ 100/);
    expect(() => parseEnv(Schema, { VR3_HTTP_REQUEST_TIMEOUT_MS: '99' })).toThrow(/VR3_HTTP_REQUEST_TIMEOUT_MS must be an integer ≥ 100/);
    expect(() => parseEnv(Schema, { VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS: '-1' })).toThrow(/VR3_HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer ≥ 0/);
    expect(() => parseEnv(Schema, { VR3_MAX_CONNECTIONS: '0' })).toThrow(/VR3_MAX_CONNECTIONS must be an integer ≥ 1/);
  });
});

describe('httpServerOptions', () => {
  it('sets Node’s timeouts and checks them at least every second', () => {
    const options = httpServerOptions({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 10 });
    expect(options).toEqual({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 1_000 });
    expect(httpServerOptions({ ...DEFAULTS, headersTimeoutMs: 400 }).connectionsCheckingInterval).toBe(200);
    expect(httpServerOptions({ ...DEFAULTS, headersTimeoutMs: 15 }).connectionsCheckingInterval).toBe(10);
  });
});
