import { BusError, BusErrorCode } from '@vr3/protocol';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** JSON payload bytes; `undefined` travels as an empty payload. */
export function encodePayload(data: unknown): Uint8Array {
  return data === undefined ? EMPTY : encoder.encode(JSON.stringify(data));
}

/** The value of a JSON payload (`undefined` for an empty one); `BusError(bus_bad_message)` when it is not JSON. */
export function decodePayload(bytes: Uint8Array, subject: string): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown;
  } catch (err) {
    throw new BusError(BusErrorCode.BadMessage, `payload on ${subject} is not JSON`, { cause: err });
  }
}

/**
 * Reply header naming the failure of a responder. Its value is the thrown error's `code` when it
 * has a string one, else `internal`; the error message never leaves the responder's process.
 */
export const ERROR_HEADER = 'Vr3-Error';
