import { RpcError } from './rpc.error';

/**
 * The server did not accept this connection's credential (missing, wrong, expired, or its
 * verifier failed or timed out), so it ran nothing and closed the connection. Not retryable:
 * the same credential would be refused again; a credentials provider may give a fresh one on
 * the next connection.
 */
export class AuthenticationError extends RpcError {
  readonly code = 'UNAUTHENTICATED';

  constructor(message = 'Authentication failed', options?: { cause?: unknown }) {
    super(message, options);
  }
}
