import { Logger, LoggerService } from '@nestjs/common';
import { EtcdConnection, EtcdConnectionOptions } from './etcd-connection';
import { PrefixWatchSet } from './prefix-watch';

/**
 * What the governance store and the fleet view share: one etcd connection — built from
 * registry-style options and owned (closed with the reader), or an {@link EtcdConnection}
 * shared and left open — the prefix watches they opened, and a logger.
 */
export abstract class EtcdPrefixReader {
  readonly connection: EtcdConnection;
  protected readonly logger: LoggerService;
  protected readonly watches = new PrefixWatchSet();
  private readonly owned: boolean;

  protected constructor(options: EtcdConnectionOptions | EtcdConnection, loggerContext: string) {
    this.owned = !(options instanceof EtcdConnection);
    this.connection = options instanceof EtcdConnection ? options : new EtcdConnection(options);
    this.logger = this.connection.options.logger ?? new Logger(loggerContext);
  }

  async close(): Promise<void> {
    await this.watches.closeAll();
    if (this.owned) this.connection.close();
  }
}
