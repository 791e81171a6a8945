import { ConnectionRefusedError } from './connection-refused.error';

/**
 * No answer from the endpoint within `connectTimeoutMs`: the TCP/TLS set-up, or the first frame
 * from the peer (the client PINGs as soon as the socket is up), did not arrive. Typical of a
 * black-holed address or a frozen process. Nothing was sent, so it is retryable; it is a
 * ConnectionRefusedError so code that handles "cannot connect" handles it too.
 */
export class ConnectTimeoutError extends ConnectionRefusedError {
  override readonly code = 'CONNECT_TIMEOUT';
  constructor(address: string, readonly timeoutMs: number, stage: 'socket' | 'handshake') {
    super(address, new Error(stage === 'socket' ? `no TCP/TLS connection within ${timeoutMs} ms` : `connected, but the peer sent nothing within ${timeoutMs} ms`));
  }
}
