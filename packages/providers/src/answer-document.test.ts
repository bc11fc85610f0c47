import { describe, expect, it } from 'vitest';
import { escapeXml, type AnswerUrlRequest } from './answer-document.ts';
import { cloudonixAnswerUrl } from './cloudonix/answer-document.ts';
import { ProviderConfigError } from './errors.ts';
import { exotelAnswerDocument, exotelAnswerUrl } from './exotel/answer-document.ts';
import { plivoAnswerUrl } from './plivo/answer-document.ts';
import { twilioAnswerUrl } from './twilio/answer-document.ts';
import { vobizAnswerDocument, vobizAnswerUrl } from './vobiz/answer-document.ts';
import type { AnswerUrlSpec } from './answer-document.ts';

const AGENT = '3f1c2b7e-9a41-4c55-8d0e-6a2f4b1c9d10';
const BASE = 'wss://voice.example.com';
const HOSTILE = `+1 "<&'>"`;

function answer(spec: AnswerUrlSpec, params: Record<string, string> = {}, sampleRate: AnswerUrlRequest['sampleRate'] = 8000) {
  const request = spec.streamRequest({ streamBase: BASE, agentUuid: AGENT, params, sampleRate });
  return { request, doc: spec.document(request) };
}

/** The text between `<Stream …>` and `</Stream>`, or the `url` attribute, unescaped. */
function unescape(xml: string): string {
  return xml.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] ?? '');
}

describe('escapeXml', () => {
  it('escapes the five XML specials and nothing else', () => {
    expect(escapeXml(`a&b<c>d"e'f é`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f é');
  });
});

describe('twilio answer document', () => {
  it('is <Connect><Stream> on the path form without a query, numbers as escaped <Parameter>s', () => {
    const { request, doc } = answer(twilioAnswerUrl, { AccountSid: 'AC1', CallSid: 'CA1', From: HOSTILE, To: '+15550002' });
    expect(request.streamUrl).toBe(`${BASE}/api/v1/agent-stream/twilio/${AGENT}`);
    expect(doc.contentType).toBe('application/xml');
    expect(doc.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${BASE}/api/v1/agent-stream/twilio/${AGENT}">` +
        `<Parameter name="from" value="+1 &quot;&lt;&amp;&apos;&gt;&quot;"/><Parameter name="to" value="+15550002"/></Stream></Connect></Response>`,
    );
  });

  it('without numbers, a bare <Stream/>; refusal hangs up', () => {
    expect(answer(twilioAnswerUrl).doc.body).toContain(`<Connect><Stream url="${BASE}/api/v1/agent-stream/twilio/${AGENT}"/></Connect>`);
    expect(twilioAnswerUrl.refusal.body).toContain('<Response><Hangup/></Response>');
  });
});

describe('cloudonix answer document', () => {
  it('carries Domain, CallSid and numbers into the query form, &-escaped in the url attribute, then hangs up', () => {
    const { request, doc } = answer(cloudonixAnswerUrl, { Domain: 'acme.cloudonix.net', CallSid: 'c1', Session: 's1', From: HOSTILE, To: '+15550002' });
    const url = new URL(request.streamUrl);
    expect(url.pathname).toBe(`/api/v1/agent-stream/${AGENT}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ provider: 'cloudonix', Domain: 'acme.cloudonix.net', callId: 'c1', from: HOSTILE, to: '+15550002' });
    const attr = /<Stream url="([^"]*)"\/>/.exec(doc.body)?.[1];
    expect(attr).toContain('&amp;Domain=');
    expect(attr).not.toMatch(/&(?!amp;)/);
    expect(unescape(attr ?? '')).toBe(request.streamUrl);
    expect(doc.body).toMatch(/<\/Connect><Hangup\/><\/Response>$/);
  });

  it('takes the domain from AccountSid when Domain is absent', () => {
    expect(new URL(answer(cloudonixAnswerUrl, { AccountSid: 'acme' }).request.streamUrl).searchParams.get('Domain')).toBe('acme');
  });
});

describe('exotel answer document', () => {
  it('is {"url"} on the path form with the agent\'s sample-rate', () => {
    for (const rate of [8000, 16000, 24000] as const) {
      const { request, doc } = answer(exotelAnswerUrl, { CallSid: 'x', From: '+91' }, rate);
      expect(doc.contentType).toBe('application/json');
      const body = JSON.parse(doc.body) as { url: string };
      expect(body.url).toBe(`${BASE}/api/v1/agent-stream/exotel/${AGENT}?sample-rate=${rate}`);
      expect(body.url).toBe(request.streamUrl);
    }
    expect(JSON.parse(exotelAnswerUrl.refusal.body)).toEqual({ error: { code: 'agent_not_found', message: 'no such agent' } });
  });

  it('adds at most three custom parameters to the URL and refuses a rate Exotel does not stream', () => {
    const url = `${BASE}/api/v1/agent-stream/exotel/${AGENT}`;
    expect(JSON.parse(exotelAnswerDocument({ streamUrl: url, sampleRate: 16000, customParameters: { a: '1 2' } }).body)).toEqual({ url: `${url}?a=1+2&sample-rate=16000` });
    expect(() => exotelAnswerDocument({ streamUrl: url, customParameters: { a: '1', b: '2', c: '3', d: '4' } })).toThrow(ProviderConfigError);
    expect(() => exotelAnswerDocument({ streamUrl: url, sampleRate: 11025 })).toThrow(/8000, 16000 or 24000/);
  });
});

describe('vobiz and plivo answer documents', () => {
  const streamOf = (body: string) => unescape(/<Stream [^>]*>([^<]*)<\/Stream>/.exec(body)?.[1] ?? '');
  const contentTypeOf = (body: string) => /contentType="([^"]*)"/.exec(body)?.[1];

  it('is a bidirectional, kept-alive <Stream> on the query form with the call and numbers, the URL escaped as element text', () => {
    const { request, doc } = answer(vobizAnswerUrl, { CallUUID: 'u-1', From: HOSTILE, To: '+15550002', Direction: 'inbound' });
    expect(doc.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Stream bidirectional="true" audioTrack="inbound" keepCallAlive="true" contentType="[^"]+">[^<]+<\/Stream><\/Response>$/);
    expect(doc.body).not.toMatch(/&(?!amp;|quot;|lt;|gt;|apos;)/);
    expect(streamOf(doc.body)).toBe(request.streamUrl);
    expect(Object.fromEntries(new URL(request.streamUrl).searchParams)).toEqual({ provider: 'vobiz', callId: 'u-1', from: HOSTILE, to: '+15550002' });
    expect(new URL(answer(plivoAnswerUrl, { CallUUID: 'p-1' }).request.streamUrl).searchParams.get('provider')).toBe('plivo');
  });

  it('asks for μ-law at 8 kHz and L16 at the agent\'s higher rate, capped at Plivo\'s 16 kHz', () => {
    expect(contentTypeOf(answer(vobizAnswerUrl, {}, 8000).doc.body)).toBe('audio/x-mulaw;rate=8000');
    expect(contentTypeOf(answer(vobizAnswerUrl, {}, 16000).doc.body)).toBe('audio/x-l16;rate=16000');
    expect(contentTypeOf(answer(vobizAnswerUrl, {}, 24000).doc.body)).toBe('audio/x-l16;rate=24000');
    expect(contentTypeOf(answer(plivoAnswerUrl, {}, 8000).doc.body)).toBe('audio/x-mulaw;rate=8000');
    expect(contentTypeOf(answer(plivoAnswerUrl, {}, 16000).doc.body)).toBe('audio/x-l16;rate=16000');
    expect(contentTypeOf(answer(plivoAnswerUrl, {}, 24000).doc.body)).toBe('audio/x-l16;rate=16000');
  });

  it('writes custom parameters as extraHeaders and refuses ones Vobiz cannot carry', () => {
    const url = `${BASE}/api/v1/agent-stream/${AGENT}?provider=vobiz`;
    expect(vobizAnswerDocument({ streamUrl: url, customParameters: { lead: '42', tier: 'gold' } }).body).toContain(' extraHeaders="lead=42,tier=gold">');
    expect(() => vobizAnswerDocument({ streamUrl: url, customParameters: { lead: '4 2' } })).toThrow(ProviderConfigError);
    expect(() => vobizAnswerDocument({ streamUrl: url, customParameters: { lead: 'x'.repeat(600) } })).toThrow(/512 bytes/);
    expect(vobizAnswerUrl.refusal.body).toContain('<Response><Hangup/></Response>');
  });
});
