/** What a frame means. Values are part of the wire format: never renumber. */
export enum MessageType {
  /** Client → server: call a pattern, expect RESPONSE/ERROR or a STREAM_* sequence. */
  Request = 1,
  /** Server → client: the single result of a request; the call is complete. */
  Response = 2,
  /** Server → client: the request failed; body is the error payload; the call is complete. */
  Error = 3,
  /** Client → server: one-way event, never answered. */
  Event = 4,
  /** Either side: are you alive? Answered with PONG carrying the same sequence id. */
  Ping = 5,
  Pong = 6,
  /** Server → client: one value of an Observable result. */
  StreamNext = 7,
  /** Server → client: the Observable completed; the call is complete. */
  StreamComplete = 8,
  /** Server → client: the Observable errored; body is the error payload; the call is complete. */
  StreamError = 9,
  /** Client → server: the caller gave up (unsubscribed or timed out); stop the work. */
  Cancel = 10,
  /**
   * Server → client: draining; send no new requests on this connection. In-flight ones finish.
   * The sequence id is the highest request id the server received: later requests were not run.
   */
  GoAway = 11,
}

const KNOWN_TYPES = new Uint8Array(256);
for (const value of Object.values(MessageType)) {
  if (typeof value === 'number') KNOWN_TYPES[value] = 1;
}

export function isKnownMessageType(type: number): type is MessageType {
  return KNOWN_TYPES[type] === 1;
}
