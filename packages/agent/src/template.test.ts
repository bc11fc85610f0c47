import { describe, expect, it } from 'vitest';
import { callVariables, renderTemplate } from './template.ts';

describe('renderTemplate', () => {
  it('fills call numbers and initial_context keys, numbers and objects as text', () => {
    const r = renderTemplate('Hi {{ caller_number }}, you called {{called_number}} about order {{order.id}} ({{count}}, {{vip}}, {{meta}}).', {
      caller_number: '+15550001',
      called_number: '+15550002',
      'order.id': 'A-17',
      count: 3,
      vip: true,
      meta: { tier: 'gold' },
    });
    expect(r).toEqual({ text: 'Hi +15550001, you called +15550002 about order A-17 (3, true, {"tier":"gold"}).', missing: [] });
  });

  it('renders a placeholder without a value empty and names it once', () => {
    const r = renderTemplate('{{name}}, {{name}}: {{caller_number}} {{absent}}', { caller_number: null, name: undefined });
    expect(r).toEqual({ text: ', :  ', missing: ['name', 'caller_number', 'absent'] });
  });

  it('never reads inherited properties and leaves text without placeholders alone', () => {
    expect(renderTemplate('{{constructor}} {{toString}}', {}).missing).toEqual(['constructor', 'toString']);
    expect(renderTemplate('plain {braces} and {{ not a name }}', {})).toEqual({ text: 'plain {braces} and {{ not a name }}', missing: [] });
  });
});

describe('callVariables', () => {
  it('gives the call numbers and the initial_context keys', () => {
    expect(callVariables({ from: '+15550001', to: '+15550002', initialContext: { customer: 'Ada', order: 7 } })).toEqual({
      caller_number: '+15550001',
      called_number: '+15550002',
      customer: 'Ada',
      order: 7,
    });
    expect(callVariables({ initialContext: {} })).toEqual({ caller_number: undefined, called_number: undefined });
  });
});
