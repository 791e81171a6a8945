import { Logger } from '@nestjs/common';
import { catchError } from 'rxjs';
import { fallbackAnswer } from '../../resilience/fallback';
import { StrategyRun } from './cluster-strategy';
import { failover } from './failover.strategy';

const logger = new Logger('RpcCluster:failsafe');

/** Failover, then swallow the error: log it and answer `fallback` (a function is called with the error and the arguments). For best-effort reads (audit, recommendations). */
export const failsafe: StrategyRun = (invoker, call) =>
  failover(invoker, call).pipe(
    catchError((err: unknown) => {
      logger.warn(`${call.pattern} failed, answering the fallback: ${(err as Error)?.message ?? JSON.stringify(err)}`);
      return fallbackAnswer(call.policy.fallback, err, call.data);
    }),
  );
