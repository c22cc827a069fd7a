import { Command, CommanderError } from 'commander';
import { AppError } from '../errors/index.js';
import { carepoolVersion } from '../version.js';
import { registerCommands } from './commands/index.js';
import { CliContext } from './context.js';
import { errorJson, exitCodeOf, renderError, usageErrorOf } from './render-error.js';

/**
 * Parses argv, runs one command through the library API, renders its result or error, and returns the
 * exit code (0 ok, 1 failure, 2 usage/config, 3 drift, 130 interrupted).
 */
export async function runCli(argv: readonly string[], ctx = new CliContext()): Promise<number> {
  const program = new Command('carepool')
    .description(
      'One patient-records schema on several MySQL servers: pools, migrations, web app, ERD, load, doctor.',
    )
    .version(carepoolVersion(), '-V, --version', 'print the carepool version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      // Parse errors are rendered below with a code and a hint (as JSON under --json), not as commander's text.
      outputError: () => undefined,
    });
  registerCommands(program, ctx);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return ctx.exitCode;
  } catch (thrown) {
    const error = thrown instanceof CommanderError ? usageErrorOf(thrown, program, argv) : thrown;
    if (error === undefined) return (thrown as CommanderError).exitCode === 0 ? 0 : 2;
    if (json) ctx.out.json(errorJson(error));
    else ctx.out.note(renderError(error));
    if (!(error instanceof AppError) && process.env.CAREPOOL_DEBUG)
      ctx.out.note(String((error as Error).stack));
    return exitCodeOf(error);
  } finally {
    await ctx.close();
  }
}
