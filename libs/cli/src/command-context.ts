import { EtcdConnection, EtcdConnectionOptions } from '@nestrpc/discovery';
import { Command } from 'commander';
import { EtcdFlags, etcdOptionsOf } from './etcd-flags';

/** What every command shares: the global etcd flags, one lazily opened connection, and Ctrl-C. */
export class CommandContext {
  private opened: EtcdConnection | undefined;

  constructor(private readonly program: Command) {}

  etcdOptions(): EtcdConnectionOptions {
    return etcdOptionsOf(this.program.opts<EtcdFlags>());
  }

  /** The etcd connection, checked once: fails fast (RegistryUnavailableError naming the endpoints) when etcd does not answer. */
  connection(): EtcdConnection {
    this.opened ??= new EtcdConnection(this.etcdOptions());
    return this.opened;
  }

  async checkedConnection(): Promise<EtcdConnection> {
    const connection = this.connection();
    await connection.check();
    return connection;
  }

  /** Resolves on SIGINT or SIGTERM (for --watch and watch). */
  untilInterrupted(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        resolve();
      };
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
  }

  close(): void {
    this.opened?.close();
  }
}
