import { AuthenticationError } from '../errors/authentication.error';
import { Frame } from '../protocol/frame';
import { DEFAULT_AUTH_VERIFY_TIMEOUT_MS } from '../server/constants';
import { tokenIdentity } from './peer-certificate';
import { RpcIdentity, RpcPeerCertificate, RpcServerAuthOptions } from './rpc-identity';

/** What the gate reports to its connection. */
export interface AuthGateOutcome {
  /** The verifier accepted: answer the handshake PING (`pingSeq`) and start taking calls. */
  accept(identity: RpcIdentity, pingSeq: number): void;
  /** Refused (or timed out): tell the client and close; nothing has run. */
  reject(error: AuthenticationError, cause?: unknown): void;
}

type GateState = 'waiting' | 'verifying' | 'accepted' | 'closed';

/**
 * Token authentication for one server connection. The client's first PING carries its
 * credential (metadata tag 7); the verifier runs once, bounded by `verifyTimeoutMs`, and the
 * whole handshake by `handshakeTimeoutMs`. Until it accepts, the connection answers no call
 * (ServerConnection asks `accepted` before anything else) and withholds the handshake PONG,
 * which is what tells the client it may send calls.
 */
export class ServerAuthGate {
  private state: GateState = 'waiting';
  private handshakeSeq = -1;
  private deadline: NodeJS.Timeout | undefined;
  private verifyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: RpcServerAuthOptions,
    private readonly peer: string,
    private readonly certificate: RpcPeerCertificate | undefined,
    private readonly outcome: AuthGateOutcome,
    handshakeTimeoutMs: number,
  ) {
    if (handshakeTimeoutMs > 0) {
      this.deadline = setTimeout(() => this.refuse(new AuthenticationError(`Not authenticated within ${handshakeTimeoutMs} ms (handshakeTimeoutMs)`)), handshakeTimeoutMs);
      this.deadline.unref();
    }
  }

  get accepted(): boolean {
    return this.state === 'accepted';
  }

  /**
   * A PING arrived: whether the connection should answer it now. The first one starts the
   * verification (and is answered when it accepts); while it runs, other PINGs (the client's
   * heartbeats) are answered so a slow verifier does not look like a dead server.
   */
  onPing(frame: Frame): boolean {
    switch (this.state) {
      case 'accepted':
        return true;
      case 'waiting':
        this.verify(frame.meta.credential, frame.seq);
        return false;
      case 'verifying':
        return frame.seq !== this.handshakeSeq && frame.meta.credential === undefined;
      default:
        return false;
    }
  }

  /** Any frame but PING before acceptance: a peer that does not wait for the handshake is refused. */
  refuseEarly(what: string): void {
    if (this.state === 'closed') return;
    this.refuse(new AuthenticationError(`${what} before authentication completed; the connection is closed`));
  }

  /** The connection is gone: stop the timers; a late verdict is ignored. */
  dispose(): void {
    this.state = 'closed';
    this.clearTimers();
  }

  private verify(credential: string | undefined, seq: number): void {
    this.state = 'verifying';
    this.handshakeSeq = seq;
    const timeoutMs = this.options.verifyTimeoutMs ?? DEFAULT_AUTH_VERIFY_TIMEOUT_MS;
    const timedOut = new Promise<never>((_, reject) => {
      this.verifyTimer = setTimeout(() => reject(new AuthenticationError(`The credential verifier did not answer within ${timeoutMs} ms`)), timeoutMs);
      this.verifyTimer.unref();
    });
    const verdict = Promise.resolve().then(() => this.options.verifyToken({ credential, peer: this.peer, certificate: this.certificate }));
    Promise.race([verdict, timedOut]).then(
      (claims) => {
        if (this.state !== 'verifying') return;
        if (claims === null || typeof claims !== 'object') return this.refuse(new AuthenticationError(credential === undefined ? 'This server requires a credential' : 'Credential refused'));
        this.state = 'accepted';
        this.clearTimers();
        this.outcome.accept(tokenIdentity(claims, this.certificate), seq);
      },
      (err: unknown) => {
        if (this.state !== 'verifying') return;
        // A verifier's own AuthenticationError explains itself to the client; anything else may leak internals.
        if (err instanceof AuthenticationError) this.refuse(err);
        else this.refuse(new AuthenticationError('Credential refused'), err);
      },
    );
  }

  private refuse(error: AuthenticationError, cause?: unknown): void {
    if (this.state === 'closed' || this.state === 'accepted') return;
    this.state = 'closed';
    this.clearTimers();
    this.outcome.reject(error, cause);
  }

  private clearTimers(): void {
    clearTimeout(this.deadline);
    clearTimeout(this.verifyTimer);
    this.deadline = undefined;
    this.verifyTimer = undefined;
  }
}
