import { BenchPayload } from '../lib/payloads';

/** A running server for one system, inside the server child process. */
export interface ServerHandle {
  port: number;
  close(): Promise<void>;
}

export interface ClientOptions {
  host: string;
  /** One port per server process (`SystemEntry.servers`, default 1), in start order. */
  ports: number[];
}

/** What the load generator drives. One instance serves every worker of a cell. */
export interface BenchClient {
  /** One unary echo call; resolves with the echoed payload. */
  call(payload: BenchPayload): Promise<unknown>;
  /** One call answered by `count` streamed values; resolves with how many arrived. Optional. */
  stream?(count: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A system under test: how to start its server (in the server child) and how to build a client
 * (in the client child). Add one by writing `bench/systems/<name>.ts` and one line in `index.ts`.
 */
export interface BenchSystem {
  /** Returns why the system cannot run here (it is reported as n/a), or undefined when it can. */
  probe?(): string | undefined;
  startServer(): Promise<ServerHandle>;
  createClient(options: ClientOptions): Promise<BenchClient>;
}
