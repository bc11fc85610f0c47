import type { ByteRange } from '@vr3/recordings';

/**
 * Reads an HTTP `Range` header (RFC 9110 §14.1.2) against a resource of `size` bytes: `null` when
 * absent or not a single `bytes` range (the whole resource is sent, as the RFC allows), the range
 * to send, or `'unsatisfiable'` (416) when it starts past the end or is empty.
 * Forms: `bytes=a-b`, `bytes=a-` (to the end), `bytes=-n` (the last n).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null;
  const [, first, last] = m;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== '' && Number(last) < start)) return 'unsatisfiable';
  return { start, end };
}
