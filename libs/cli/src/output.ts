import { LoggerService } from '@nestjs/common';
import { RpcError } from '@nestrpc/common';
import { RegistryUnavailableError } from '@nestrpc/discovery';
import { CliUsageError, EXIT_ETCD_UNREACHABLE, EXIT_FAILED, EXIT_USAGE } from './cli.error';

/** Library logs go to stderr so that stdout stays parseable (tables, --json). */
export const stderrLogger: LoggerService = {
  log: () => undefined,
  warn: (message: unknown, context?: unknown) => void process.stderr.write(`warn ${context ? `[${String(context)}] ` : ''}${String(message)}\n`),
  error: (message: unknown, context?: unknown) => void process.stderr.write(`error ${context ? `[${String(context)}] ` : ''}${String(message)}\n`),
};

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  printLine(JSON.stringify(value));
}

export interface ErrorJson {
  name: string;
  code: string;
  message: string;
  retryable: boolean;
  /** A remote handler's error payload, unchanged. */
  details?: unknown;
}

/** The typed error as printed: name, stable code, message, retry hint (and a remote error's details). */
export function errorJson(error: unknown): ErrorJson {
  // Every nestrpc error (transport, discovery, CLI) shares @nestrpc/common's base, which is cheap to
  // load; a remote handler's payload rides along as `details`.
  if (error instanceof RpcError) {
    const payload = (error as { payload?: unknown }).payload;
    return { ...(error.toJSON() as unknown as ErrorJson), ...(payload !== undefined && { details: payload }) };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, code: 'ERROR', message: e.message, retryable: false };
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof RegistryUnavailableError) return EXIT_ETCD_UNREACHABLE;
  if (error instanceof CliUsageError || (error instanceof RpcError && !error.retryable && error.code.startsWith('INVALID'))) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** Prints `error` (stdout as JSON with --json, else one line on stderr) and returns the exit code. */
export function reportError(error: unknown, json: boolean): number {
  const body = errorJson(error);
  if (json) printJson({ error: body });
  else process.stderr.write(`${body.name} ${body.code}: ${body.message}\n`);
  return exitCodeOf(error);
}

/** A readable fixed-width table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `3s`, `4m`, `2h`, `5d`: the age of a registration. */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}
