/** Per-call options, carried by wrapping the payload in an RpcRecord. */
export interface RpcCallOptions {
  /** User headers (string → string), visible to the handler as `ctx.getHeaders()`. */
  headers?: Record<string, string>;
  /** Overrides the client's timeout for this call; 0 waits forever. */
  timeoutMs?: number;
  /**
   * Absolute deadline (epoch ms, `Date.now()` clock). The call fails with RpcTimeoutError once
   * it passes and the server sees the time left; with `timeoutMs` too, the earlier one wins.
   */
  deadline?: number;
  /** Declares the call safe to run twice, so cluster clients may retry it after a failure. */
  idempotent?: boolean;
  /** Service version the call is addressed to (version routing). */
  version?: string;
  /** W3C trace context to propagate. */
  traceparent?: string;
  tracestate?: string;
}

/**
 * Payload plus per-call options, in the style of Nest's `RmqRecord`/`NatsRecord`:
 * `client.send('sum', new RpcRecord([1, 2], { headers: { tenant: 'a' }, timeoutMs: 500 }))`.
 */
export class RpcRecord<TData = unknown> {
  constructor(
    readonly data: TData,
    readonly options: RpcCallOptions = {},
  ) {}
}

export class RpcRecordBuilder<TData = unknown> {
  private options: RpcCallOptions = {};

  constructor(private data?: TData) {}

  setData(data: TData): this {
    this.data = data;
    return this;
  }

  setHeaders(headers: Record<string, string>): this {
    this.options = { ...this.options, headers };
    return this;
  }

  setTimeout(timeoutMs: number): this {
    this.options = { ...this.options, timeoutMs };
    return this;
  }

  setDeadline(deadline: number): this {
    this.options = { ...this.options, deadline };
    return this;
  }

  setIdempotent(idempotent = true): this {
    this.options = { ...this.options, idempotent };
    return this;
  }

  setVersion(version: string): this {
    this.options = { ...this.options, version };
    return this;
  }

  build(): RpcRecord<TData> {
    return new RpcRecord(this.data as TData, this.options);
  }
}
