import { describe, expect, it } from 'vitest';
import { ChatChunkAssembler, ChatChunkError } from './chat-assembler.ts';

const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
  JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });

describe('ChatChunkAssembler', () => {
  it('yields text deltas as they come and the finish reason', () => {
    const a = new ChatChunkAssembler();
    expect(a.push(chunk({ role: 'assistant', content: '' }))).toEqual([]);
    expect(a.push(chunk({ content: 'Hel' }))).toEqual([{ type: 'text', text: 'Hel' }]);
    expect(a.push(chunk({ content: 'lo' }))).toEqual([{ type: 'text', text: 'lo' }]);
    expect(a.finished).toBe(false);
    expect(a.push(chunk({}, 'stop'))).toEqual([{ type: 'finish', reason: 'stop' }]);
    expect(a.finished).toBe(true);
  });

  it('assembles interleaved tool calls by index and releases them complete, in index order, before finish', () => {
    const a = new ChatChunkAssembler();
    const events = [
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'hangup', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"why"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: ':"done"}' } }] }),
    ].flatMap((c) => a.push(c));
    expect(events).toEqual([]);
    expect(a.push(chunk({}, 'tool_calls'))).toEqual([
      { type: 'tool_call', index: 0, call: { id: 'call_a', name: 'lookup', arguments: '{"q":"x"}' } },
      { type: 'tool_call', index: 1, call: { id: 'call_b', name: 'hangup', arguments: '{"why":"done"}' } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('matches deltas without an index by id, and continuations to the last call', () => {
    const a = new ChatChunkAssembler();
    a.push(chunk({ tool_calls: [{ id: 'c1', function: { name: 'one', arguments: '{"a"' } }] }));
    a.push(chunk({ tool_calls: [{ function: { arguments: ':1}' } }] }));
    a.push(chunk({ tool_calls: [{ id: 'c2', function: { name: 'two', arguments: '{}' } }] }));
    expect(a.end()).toEqual([
      { type: 'tool_call', index: 0, call: { id: 'c1', name: 'one', arguments: '{"a":1}' } },
      { type: 'tool_call', index: 1, call: { id: 'c2', name: 'two', arguments: '{}' } },
    ]);
  });

  it('reads usage from the last chunk (no choices)', () => {
    const a = new ChatChunkAssembler();
    expect(a.push(JSON.stringify({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } }))).toEqual([
      { type: 'usage', usage: { promptTokens: 9, completionTokens: 3, totalTokens: 12 } },
    ]);
  });

  it('refuses non-JSON, an error object and a tool call without a name', () => {
    expect(() => new ChatChunkAssembler().push('{nope')).toThrow(ChatChunkError);
    try {
      new ChatChunkAssembler().push(JSON.stringify({ error: { message: 'overloaded' } }));
      expect.unreachable();
    } catch (err) {
      expect((err as ChatChunkError).kind).toBe('vendor_error');
      expect((err as ChatChunkError).detail).toContain('overloaded');
    }
    const a = new ChatChunkAssembler();
    a.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }));
    expect(() => a.push(chunk({}, 'tool_calls'))).toThrow(/no function name/);
  });
});
