import { BaseRpcContext } from '@nestjs/microservices';
import { FrameMetadata } from '../protocol/frame';
import { RpcIdentity } from '../auth/rpc-identity';

/** Per-call state the server keeps; the context exposes it to handlers. */
export interface ServerCallState {
  readonly seq: number;
  readonly peer: string;
  /** Established once per connection (token verifier or verified client certificate). */
  readonly identity?: RpcIdentity;
  readonly receivedAt: number;
  readonly idempotent: boolean;
  controller: AbortController | undefined;
  cancelled: boolean;
}

type RpcContextArgs = [FrameMetadata, ServerCallState];

/**
 * What `@Ctx()` gives a handler served by RpcServer: the pattern, the caller's headers and
 * deadline, and an AbortSignal that fires when the caller cancels or its deadline passes.
 */
export class RpcContext extends BaseRpcContext<RpcContextArgs> {
  constructor(meta: FrameMetadata, call: ServerCallState) {
    super([meta, call]);
  }

  getPattern(): string {
    return this.args[0].pattern ?? '';
  }

  getMetadata(): FrameMetadata {
    return this.args[0];
  }

  /** User headers sent with the call (never undefined). */
  getHeaders(): Readonly<Record<string, string>> {
    return this.args[0].headers ?? {};
  }

  getHeader(name: string): string | undefined {
    return this.args[0].headers?.[name];
  }

  /** Service version the caller addressed (set by version-aware clients). */
  getVersion(): string | undefined {
    return this.args[0].version;
  }

  /** Epoch ms after which the caller no longer waits, or undefined for no deadline. */
  getDeadline(): number | undefined {
    const timeout = this.args[0].timeoutMs;
    return timeout === undefined || timeout === 0 ? undefined : this.args[1].receivedAt + timeout;
  }

  /** Remote address:port of the caller. */
  getPeer(): string {
    return this.args[1].peer;
  }

  /**
   * Who is calling: the token verifier's claims or the verified client certificate, or
   * undefined on a connection that established neither (no auth configured).
   */
  getIdentity(): RpcIdentity | undefined {
    return this.args[1].identity;
  }

  getSequenceId(): number {
    return this.args[1].seq;
  }

  isIdempotent(): boolean {
    return this.args[1].idempotent;
  }

  isCancelled(): boolean {
    return this.args[1].cancelled;
  }

  /** Aborts when the caller cancels (unsubscribes, times out) or disconnects. Created on first use. */
  getSignal(): AbortSignal {
    const call = this.args[1];
    if (call.controller === undefined) {
      call.controller = new AbortController();
      if (call.cancelled) call.controller.abort();
    }
    return call.controller.signal;
  }
}
