import { LoggerService } from '@nestjs/common';

/** A logger that keeps every line, for asserting on what the registry says. */
export class MemoryLogger implements LoggerService {
  readonly entries: Array<{ at: number; line: string }> = [];
  log(message: unknown): void {
    this.add(`LOG ${String(message)}`);
  }
  warn(message: unknown): void {
    this.add(`WARN ${String(message)}`);
  }
  error(message: unknown): void {
    this.add(`ERROR ${String(message)}`);
  }
  debug(message: unknown): void {
    this.add(`DEBUG ${String(message)}`);
  }
  has(pattern: RegExp): boolean {
    return this.when(pattern) !== undefined;
  }
  /** When the first line matching `pattern` was logged (epoch ms). */
  when(pattern: RegExp): number | undefined {
    return this.entries.find((e) => pattern.test(e.line))?.at;
  }
  private add(line: string): void {
    this.entries.push({ at: Date.now(), line });
  }
}

let counter = 0;

/** A unique namespace per test, so tests sharing one etcd never see each other's keys. */
export function uniqueNamespace(): string {
  return `t${process.pid}-${++counter}-${Date.now().toString(36)}`;
}

/** Parses a watcher fixture line `LIST <ms> <json>`. */
export function parseList(line: string): { at: number; list: Array<{ id: string; version: string; weight: number }> } | undefined {
  const match = /^LIST (\S+) (.*)$/.exec(line);
  return match === null ? undefined : { at: Number(match[1]), list: JSON.parse(match[2]) };
}

/** Matches a LIST line whose ids are exactly `ids` (in order), optionally checking weights. */
export function listOf(ids: string[], weights?: number[]) {
  return (line: string) => {
    const parsed = parseList(line);
    if (parsed === undefined) return undefined;
    if (parsed.list.map((i) => i.id).join(',') !== ids.join(',')) return undefined;
    if (weights !== undefined && parsed.list.map((i) => i.weight).join(',') !== weights.join(',')) return undefined;
    return parsed;
  };
}
