import { FleetEvent } from '@nestrpc/discovery';
import { FleetView } from '@nestrpc/discovery';
import { Command } from 'commander';
import { CommandContext } from '../command-context';
import { printJson, printLine } from '../output';

/** `nestrpc watch`: one line per registration, deregistration, update and rule change. */
export function watchCommand(ctx: CommandContext): Command {
  return new Command('watch')
    .description('live log of registrations, deregistrations and rule changes (until Ctrl-C)')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { json?: boolean }) => {
      const fleet = new FleetView(await ctx.checkedConnection());
      const sub = fleet.events().subscribe((event) => (opts.json === true ? printJson(event) : printLine(describe(event))));
      printLine(opts.json === true ? JSON.stringify({ type: 'watching', namespace: fleet.connection.namespace }) : `watching namespace ${fleet.connection.namespace} (Ctrl-C to stop)`);
      await ctx.untilInterrupted();
      sub.unsubscribe();
      await fleet.close();
    });
}

export function describe(event: FleetEvent): string {
  const at = new Date(event.at).toISOString();
  switch (event.type) {
    case 'registered':
    case 'updated':
    case 'deregistered': {
      const i = event.instance;
      return `${at} ${event.type.padEnd(12)} ${i.service}@${i.version} ${i.id} ${i.host}:${i.port} weight=${i.weight} tags=${i.tags.join(',') || '-'}`;
    }
    case 'rule-set':
      return `${at} ${'rule-set'.padEnd(12)} ${event.service} ${event.key} ${JSON.stringify(event.rule)}`;
    case 'rule-deleted':
      return `${at} ${'rule-deleted'.padEnd(12)} ${event.service} ${event.key}`;
    case 'rule-invalid':
      return `${at} ${'rule-invalid'.padEnd(12)} ${event.service} ${event.key} ignored by consumers: ${event.reason}`;
  }
}
