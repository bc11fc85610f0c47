import { describe, expect, it } from 'vitest';
import { toolFunctions, dtmfText } from './functions.ts';
import { ToolsSchema } from './spec.ts';

const lookup = {
  type: 'http',
  description: 'Looks up an order',
  parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
  url: 'https://api.example.com/orders',
  method: 'GET',
  headers: { Authorization: 'Bearer s3cret' },
  timeout_ms: 2000,
};

describe('tools spec', () => {
  it('takes the three kinds of tool keyed by function name', () => {
    const tools = ToolsSchema.parse({ hang_up: { type: 'end_call', goodbye: 'Bye!' }, to_sales: { type: 'transfer_call', target: '+15550100' }, lookup_order: lookup });
    expect(Object.keys(tools)).toEqual(['hang_up', 'to_sales', 'lookup_order']);
  });

  it.each([
    ['a name the model cannot call', { 'bad name': { type: 'end_call' } }],
    ['an unknown kind', { x: { type: 'sql' } }],
    ['parameters that are not an object schema', { x: { ...lookup, parameters: { type: 'string' } } }],
    ['a URL that is not http(s)', { x: { ...lookup, url: 'ftp://example.com/x' } }],
    ['a header value with a line break', { x: { ...lookup, headers: { 'X-A': 'a\r\nInjected: 1' } } }],
    ['an unknown field', { x: { type: 'end_call', extra: 1 } }],
    ['a timeout past 30 s', { x: { ...lookup, timeout_ms: 60_000 } }],
    ['more than 32 tools', Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`t${i}`, { type: 'end_call' }]))],
  ])('refuses %s', (_what, tools) => {
    expect(ToolsSchema.safeParse(tools).success).toBe(false);
  });

  it('offers each tool to the model as a function, built-ins with their own descriptions and schemas', () => {
    const fns = toolFunctions(ToolsSchema.parse({ hang_up: { type: 'end_call' }, to_sales: { type: 'transfer_call', target: 'sip:sales@example.com' }, lookup_order: lookup }));
    expect(fns.map((f) => f.name)).toEqual(['hang_up', 'to_sales', 'lookup_order']);
    expect(fns[0]!.description).toMatch(/goodbye/i);
    expect(fns[1]!.parameters).toEqual({ type: 'object', properties: {}, additionalProperties: false });
    expect(fns[2]).toEqual({ name: 'lookup_order', description: 'Looks up an order', parameters: lookup.parameters });
    expect(JSON.stringify(fns)).not.toContain('s3cret');
    expect(toolFunctions(undefined)).toEqual([]);
  });

  it('writes key presses as text for the model', () => {
    expect(dtmfText('12#')).toBe('[The caller pressed 1 2 # on the keypad]');
  });
});
