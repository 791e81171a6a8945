import { RpcError } from './rpc.error';

/** The peer sent bytes that are not a valid nestrpc frame. The connection is closed. */
export class ProtocolError extends RpcError {
  readonly code: string = 'PROTOCOL_ERROR';
}
