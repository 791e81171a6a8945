import { FleetEntry, FleetView, GovernanceRules, EtcdGovernanceStore, InstanceOverride } from '@nestrpc/discovery';
import { Command } from 'commander';
import { CommandContext } from '../command-context';
import { age, printJson, printLine, table } from '../output';

export interface LsRow {
  service: string;
  version: string;
  id: string;
  address: string;
  weight: number;
  tags: string[];
  startedAt: number;
  ageMs: number;
  lease: string;
  /** The operator's override of this instance, if any. */
  override?: InstanceOverride;
}

/** `nestrpc ls [service]`: services → versions → instances. */
export function lsCommand(ctx: CommandContext): Command {
  return new Command('ls')
    .description('list services, versions and instances (address, weight, tags, age, lease)')
    .argument('[service]', 'only this service')
    .option('--json', 'print JSON')
    .option('--watch', 'redraw on every change until interrupted')
    .action(async (service: string | undefined, opts: { json?: boolean; watch?: boolean }) => {
      const connection = await ctx.checkedConnection();
      const fleet = new FleetView(connection);
      const store = new EtcdGovernanceStore(connection);
      const draw = async () => render(await rowsOf(fleet, store, service), opts.json === true, opts.watch === true);
      await draw();
      if (opts.watch !== true) return;
      let pending = Promise.resolve();
      const sub = fleet.events().subscribe(() => (pending = pending.then(draw, draw)));
      await ctx.untilInterrupted();
      sub.unsubscribe();
      await fleet.close();
    });
}

async function rowsOf(fleet: FleetView, store: EtcdGovernanceStore, service: string | undefined): Promise<LsRow[]> {
  const entries = await fleet.list(service);
  const services = [...new Set(entries.map((e) => e.instance.service))];
  const rules = new Map<string, GovernanceRules>(await Promise.all(services.map(async (s) => [s, await store.rules(s)] as const)));
  const now = Date.now();
  return entries.map((e: FleetEntry) => {
    const i = e.instance;
    const address = `${i.host}:${i.port}`;
    const r = rules.get(i.service);
    const override = r?.overrides[i.id] ?? r?.overrides[address];
    return { service: i.service, version: i.version, id: i.id, address, weight: i.weight, tags: [...i.tags], startedAt: i.startedAt, ageMs: now - i.startedAt, lease: e.lease, ...(override && { override }) };
  });
}

function render(rows: LsRow[], json: boolean, watching: boolean): void {
  if (json) return printJson(rows);
  if (watching && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
  if (watching) printLine(`# ${new Date().toISOString()}`);
  if (rows.length === 0) return printLine('no instances registered');
  const cells = rows.map((r) => [r.service, r.version, r.id, r.address, weightCell(r), r.tags.join(',') || '-', age(r.ageMs), r.lease]);
  printLine(table(['SERVICE', 'VERSION', 'INSTANCE', 'ADDRESS', 'WEIGHT', 'TAGS', 'AGE', 'LEASE'], cells));
}

/** Registered weight, and what the operator made of it: `3→0 (override)`, `1 (disabled)`. */
function weightCell(row: LsRow): string {
  const o = row.override;
  if (o === undefined) return String(row.weight);
  const weight = o.weight === undefined || o.weight === row.weight ? String(row.weight) : `${row.weight}→${o.weight}`;
  return o.disabled === true ? `${weight} (disabled)` : `${weight} (override)`;
}
