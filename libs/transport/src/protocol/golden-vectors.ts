import { OutgoingFrame } from './frame';
import { FrameFlags } from './frame-flags';
import { MessageType } from './message-type';

/**
 * A frame and its exact bytes (lowercase hex), for checking other implementations of the
 * protocol against this one. docs/protocol.md lists the same hex strings (a spec keeps them equal).
 */
export interface GoldenVector {
  name: string;
  frame: OutgoingFrame;
  hex: string;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** Idempotent request with every common metadata field and a JSON body. */
export const GOLDEN_REQUEST: GoldenVector = {
  name: 'request',
  frame: {
    type: MessageType.Request,
    serializerId: 1,
    flags: FrameFlags.Idempotent,
    seq: 1,
    meta: {
      pattern: 'users.get',
      timeoutMs: 5000,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      headers: { 'x-tenant': 'acme' },
    },
    body: json({ id: 42 }),
  },
  hex:
    '4e5201010101005d000000010000000901000975736572732e6765740200040000138803003730302d34626639326633353737623334646136613363653932396430653065343733362d303066303637616130626139303262372d303106000d08782d74656e616e7461636d657b226964223a34327d',
};

export const GOLDEN_RESPONSE: GoldenVector = {
  name: 'response',
  frame: { type: MessageType.Response, serializerId: 1, seq: 1, body: json({ id: 42, name: 'Ada' }) },
  hex: '4e5201020100000000000001000000167b226964223a34322c226e616d65223a22416461227d',
};

export const GOLDEN_PING: GoldenVector = {
  name: 'ping',
  frame: { type: MessageType.Ping },
  hex: '4e520105000200000000000000000000',
};

export const GOLDEN_PONG: GoldenVector = {
  name: 'pong',
  frame: { type: MessageType.Pong },
  hex: '4e520106000200000000000000000000',
};

export const GOLDEN_EVENT: GoldenVector = {
  name: 'event',
  frame: { type: MessageType.Event, serializerId: 1, meta: { pattern: 'user.created' }, body: json({ id: 42 }) },
  hex: '4e5201040100000f000000000000000901000c757365722e637265617465647b226964223a34327d',
};

export const GOLDEN_STREAM_NEXT: GoldenVector = {
  name: 'stream-next',
  frame: { type: MessageType.StreamNext, serializerId: 1, seq: 3, body: json({ n: 1 }) },
  hex: '4e5201070100000000000003000000077b226e223a317d',
};

export const GOLDEN_STREAM_COMPLETE: GoldenVector = {
  name: 'stream-complete',
  frame: { type: MessageType.StreamComplete, seq: 3 },
  hex: '4e520108000200000000000300000000',
};

/** Transport error (flag 0x04): the server is draining and did not run call 4. */
export const GOLDEN_TRANSPORT_ERROR: GoldenVector = {
  name: 'transport-error',
  frame: {
    type: MessageType.Error,
    serializerId: 1,
    flags: FrameFlags.TransportError,
    seq: 4,
    body: json({ code: 'DRAINING', message: 'draining', retryable: true }),
  },
  hex: '4e5201030104000000000004000000397b22636f6465223a22445241494e494e47222c226d657373616765223a22647261696e696e67222c22726574727961626c65223a747275657d',
};

export const GOLDEN_CANCEL: GoldenVector = {
  name: 'cancel',
  frame: { type: MessageType.Cancel, seq: 3 },
  hex: '4e52010a000200000000000300000000',
};

/** The last request the server received was 4; later ones were not run. */
export const GOLDEN_GOAWAY: GoldenVector = {
  name: 'goaway',
  frame: { type: MessageType.GoAway, seq: 4 },
  hex: '4e52010b000200000000000400000000',
};

export const GOLDEN_VECTORS: readonly GoldenVector[] = [
  GOLDEN_REQUEST,
  GOLDEN_RESPONSE,
  GOLDEN_PING,
  GOLDEN_PONG,
  GOLDEN_EVENT,
  GOLDEN_STREAM_NEXT,
  GOLDEN_STREAM_COMPLETE,
  GOLDEN_TRANSPORT_ERROR,
  GOLDEN_CANCEL,
  GOLDEN_GOAWAY,
];
