import { Command } from 'commander';
import { callCommand } from './commands/call.command';
import { disableCommand, enableCommand, routeCommand, weightCommand } from './commands/governance.commands';
import { lsCommand } from './commands/ls.command';
import { watchCommand } from './commands/watch.command';
import { CommandContext } from './command-context';
import { addEtcdFlags } from './etcd-flags';
import { reportError } from './output';

export const CLI_VERSION = '0.1.0';

/** Builds the `nestrpc` program. Exposed (with {@link runCli}) so it can be embedded or tested in-process. */
export function createProgram(): { program: Command; context: CommandContext } {
  const program = addEtcdFlags(new Command('nestrpc'))
    .description('Operate a nestrpc fleet: list, call, watch, and change weights and routes live (rules in etcd).')
    .version(CLI_VERSION, '-V, --cli-version', 'print the CLI version')
    .showHelpAfterError();
  const context = new CommandContext(program);
  for (const build of [lsCommand, callCommand, watchCommand, weightCommand, disableCommand, enableCommand, routeCommand]) program.addCommand(build(context));
  return { program, context };
}

/** Runs the CLI; resolves with the process exit code (errors are printed, never thrown). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const { program, context } = createProgram();
  const json = argv.includes('--json');
  program.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2; // commander printed the usage error
    return reportError(error, json);
  } finally {
    context.close();
  }
}
