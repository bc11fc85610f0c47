import { describe, expect, it } from 'vitest';
import { SseDecoder, SseLineTooLongError } from './sse.ts';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('SseDecoder', () => {
  it('returns the data of each complete event, across arbitrary chunk splits', () => {
    const stream = 'data: {"a":1}\n\n: keep-alive\n\ndata: {"b":2}\r\n\r\nevent: x\nid: 7\ndata: [DONE]\n\n';
    for (let cut = 1; cut < stream.length; cut++) {
      const d = new SseDecoder(1024);
      const out = [...d.write(bytes(stream.slice(0, cut))), ...d.write(bytes(stream.slice(cut))), ...d.flush()];
      expect(out).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
    }
  });

  it('treats a CR at a chunk end followed by LF as one line break', () => {
    const d = new SseDecoder(1024);
    expect(d.write(bytes('data: a\r'))).toEqual([]);
    expect(d.write(bytes('\n\r\n'))).toEqual(['a']);
  });

  it('joins the data lines of one event with LF and keeps a value without the space', () => {
    const d = new SseDecoder(1024);
    expect(d.write(bytes('data:x\ndata: y\n\n'))).toEqual(['x\ny']);
  });

  it('decodes UTF-8 split inside a character', () => {
    const all = bytes('data: héllo ✓\n\n');
    const d = new SseDecoder(1024);
    const out = [...d.write(all.subarray(0, 8)), ...d.write(all.subarray(8, 15)), ...d.write(all.subarray(15))];
    expect(out).toEqual(['héllo ✓']);
  });

  it('dispatches a pending event and an unterminated last line at flush', () => {
    const d = new SseDecoder(1024);
    expect(d.write(bytes('data: tail'))).toEqual([]);
    expect(d.flush()).toEqual(['tail']);
  });

  it('throws once a line without a break passes the cap, holding no more than the cap', () => {
    const d = new SseDecoder(100);
    d.write(bytes(`data: ${'x'.repeat(60)}`));
    expect(() => d.write(bytes('x'.repeat(60)))).toThrow(SseLineTooLongError);
  });

  it('throws for one event whose data lines together pass the cap', () => {
    const d = new SseDecoder(100);
    d.write(bytes(`data: ${'x'.repeat(60)}\n`));
    expect(() => d.write(bytes(`data: ${'x'.repeat(60)}\n`))).toThrow(SseLineTooLongError);
  });

  it('accepts lines right at the cap', () => {
    const d = new SseDecoder(20);
    expect(d.write(bytes(`data: ${'x'.repeat(14)}\n\n`))).toEqual(['x'.repeat(14)]);
  });
});
