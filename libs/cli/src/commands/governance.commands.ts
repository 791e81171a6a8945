import { AccessRule, EtcdGovernanceStore, FleetView, InstanceOverride, TagRoute, validateServiceName } from '@nestrpc/discovery';
import { Command, Option } from 'commander';
import { CliUsageError } from '../cli.error';
import { CommandContext } from '../command-context';
import { printJson, printLine, table } from '../output';

type Json = { json?: boolean };

async function store(ctx: CommandContext): Promise<EtcdGovernanceStore> {
  return new EtcdGovernanceStore(await ctx.checkedConnection());
}

/** Warns (stderr) when no registered instance of `service` is `target`: a typo would otherwise apply to nobody. */
async function checkTarget(ctx: CommandContext, service: string, target: string): Promise<void> {
  const entries = await new FleetView(ctx.connection()).list(service);
  if (!entries.some((e) => e.instance.id === target || `${e.instance.host}:${e.instance.port}` === target)) {
    process.stderr.write(`warn: no registered ${service} instance has id or address ${target}; the rule is stored and applies when one does\n`);
  }
}

function splitList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((a) => a.trim()).filter((a) => a !== '');
}

function done(opts: Json, result: Record<string, unknown>, text: string): void {
  if (opts.json === true) printJson(result);
  else printLine(text);
}

/** `nestrpc weight <service> <target> <weight>` | `--reset`. */
export function weightCommand(ctx: CommandContext): Command {
  return new Command('weight')
    .description('override the weight of an instance (id or host:port); 0 drains it')
    .argument('<service>')
    .argument('<target>', 'instance id or host:port')
    .argument('[weight]', 'new weight (≥ 0)')
    .option('--reset', 'drop the override: back to the registered weight')
    .option('--json', 'print JSON')
    .action(async (service: string, target: string, weight: string | undefined, opts: Json & { reset?: boolean }) => {
      validateServiceName(service);
      if (opts.reset !== true && weight === undefined) throw new CliUsageError('give a weight, or --reset');
      const value = opts.reset === true ? undefined : Number(weight);
      if (value !== undefined && (weight?.trim() === '' || Number.isNaN(value))) throw new CliUsageError(`weight must be a number, got "${weight}"`);
      const s = await store(ctx);
      await checkTarget(ctx, service, target);
      const override = await s.setOverride(service, target, { weight: value });
      done(opts, { service, target, override }, value === undefined ? `${service} ${target}: weight override removed` : `${service} ${target}: weight ${value}`);
    });
}

function toggle(ctx: CommandContext, name: 'disable' | 'enable'): Command {
  return new Command(name)
    .description(name === 'disable' ? 'take an instance out of every consumer’s candidates (it stays registered)' : 'undo disable')
    .argument('<service>')
    .argument('<target>', 'instance id or host:port')
    .option('--json', 'print JSON')
    .action(async (service: string, target: string, opts: Json) => {
      validateServiceName(service);
      const s = await store(ctx);
      if (name === 'disable') await checkTarget(ctx, service, target);
      const override: InstanceOverride = await s.setOverride(service, target, { disabled: name === 'disable' ? true : undefined });
      done(opts, { service, target, override }, `${service} ${target}: ${name}d`);
    });
}

export const disableCommand = (ctx: CommandContext) => toggle(ctx, 'disable');
export const enableCommand = (ctx: CommandContext) => toggle(ctx, 'enable');

/** `nestrpc route set|rm|ls|access`. */
export function routeCommand(ctx: CommandContext): Command {
  const route = new Command('route').description('tag routes (canaries), allow/deny lists, and the rules in force');
  route
    .command('set')
    .description('calls whose <header> equals <value> go to the instances tagged <tag>')
    .argument('<service>')
    .argument('<name>', 'route name (routes apply in name order)')
    .requiredOption('--tag <tag>', 'instances that take the matching calls (tagged at registration)')
    .option('--addresses <list>', 'comma-separated ids or host:port put in the group too (no redeploy needed)')
    .option('--header <header>', 'call header to match (default x-nestrpc-tag)')
    .option('--value <value>', 'header value to match (default: the tag)')
    .addOption(new Option('--fallback <mode>', 'when no tagged instance is up: any = the others, fail = fail the call').choices(['any', 'fail']).default('any'))
    .option('--shared', 'let calls without the header use the tagged instances too (default: reserved)')
    .option('--json', 'print JSON')
    .action(async (service: string, name: string, opts: Json & { tag: string; addresses?: string; header?: string; value?: string; fallback: TagRoute['fallback']; shared?: boolean }) => {
      const s = await store(ctx);
      const addresses = splitList(opts.addresses);
      const written = await s.setRoute(service, name, { tag: opts.tag, addresses, header: opts.header, value: opts.value, fallback: opts.fallback, exclusive: opts.shared !== true });
      const members = written.addresses.length > 0 ? ` + ${written.addresses.join(',')}` : '';
      done(opts, { service, name, route: written }, `${service} route ${name}: ${written.header}=${written.value} → tag ${written.tag}${members} (fallback ${written.fallback}${written.exclusive ? ', reserved' : ', shared'})`);
    });
  route
    .command('rm')
    .description('delete a route')
    .argument('<service>')
    .argument('<name>')
    .option('--json', 'print JSON')
    .action(async (service: string, name: string, opts: Json) => {
      const deleted = await (await store(ctx)).deleteRoute(service, name);
      done(opts, { service, name, deleted }, deleted ? `${service} route ${name}: deleted` : `${service} route ${name}: there was none`);
    });
  route
    .command('access')
    .description('allow / deny instances by address (host or host:port)')
    .argument('<service>')
    .option('--allow <addresses>', 'comma-separated; only these take calls')
    .option('--deny <addresses>', 'comma-separated; these never take calls')
    .option('--clear', 'delete the access rule')
    .option('--json', 'print JSON')
    .action(async (service: string, opts: Json & { allow?: string; deny?: string; clear?: boolean }) => {
      const s = await store(ctx);
      if (opts.clear === true) {
        const deleted = await s.clearAccess(service);
        return done(opts, { service, deleted }, `${service} access rule: ${deleted ? 'deleted' : 'there was none'}`);
      }
      const access: AccessRule = await s.setAccess(service, { allow: splitList(opts.allow), deny: splitList(opts.deny) });
      done(opts, { service, access }, `${service} access: allow ${access.allow.join(',') || '(everyone)'}; deny ${access.deny.join(',') || '(nobody)'}`);
    });
  route
    .command('ls')
    .description('the rules of a service as consumers apply them')
    .argument('<service>')
    .option('--json', 'print JSON')
    .action(async (service: string, opts: Json) => {
      const rules = await (await store(ctx)).rules(service);
      if (opts.json === true) return printJson(rules);
      const rows = [
        ...Object.entries(rules.overrides).map(([t, o]) => ['instance', t, JSON.stringify(o)]),
        ...Object.entries(rules.routes).map(([n, r]) => ['route', n, `${r.header}=${r.value} → ${[r.tag, ...r.addresses].join(',')} fallback=${r.fallback} ${r.exclusive ? 'reserved' : 'shared'}`]),
        ...(rules.access ? [['access', '-', `allow=${rules.access.allow.join(',') || '*'} deny=${rules.access.deny.join(',') || '-'}`]] : []),
      ];
      printLine(rows.length === 0 ? `no rules for ${service}` : table(['KIND', 'NAME', 'RULE'], rows));
    });
  return route;
}
