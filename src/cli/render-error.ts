import type { Command, CommanderError } from 'commander';
import { AppError, CODES } from '../errors/index.js';

/** Text for a failed command: what happened, then what to do (and the error behind it, when there is one). */
export function renderError(error: unknown): string {
  if (error instanceof AppError) {
    const fields = Object.entries(error.fields ?? {}).map(([name, problem]) => `\n  ${name}: ${problem}`);
    const cause =
      error.cause instanceof AppError && error.cause.code !== error.code ? error.cause : undefined;
    return `error ${error.code}: ${error.message}${fields.join('')}${cause ? `\n  cause: ${cause.code}` : ''}\n  hint: ${error.hint}`;
  }
  return `error CAREPOOL_INTERNAL: ${messageOf(error)}\n  hint: ${CODES.CAREPOOL_INTERNAL.hint}`;
}

/** JSON for a failed command (`--json`): code, message and hint, whatever failed. */
export function errorJson(error: unknown): { error: unknown } {
  if (error instanceof AppError) return { error: error.toJSON() };
  return {
    error: { code: 'CAREPOOL_INTERNAL', message: messageOf(error), hint: CODES.CAREPOOL_INTERNAL.hint },
  };
}

/**
 * A command-line parsing error (unknown command or option, missing or invalid argument) as carepool's usage
 * error, so it carries a code and a hint like every other error and prints as JSON under `--json`. Undefined
 * for commander's --help and --version exits, which are not failures.
 */
export function usageErrorOf(
  error: CommanderError,
  program: Command,
  argv: readonly string[],
): AppError | undefined {
  if (error.exitCode === 0 || error.code === 'commander.help' || error.code === 'commander.helpDisplayed')
    return undefined;
  const path = commandPath(program, argv);
  const hint =
    error.code === 'commander.unknownCommand'
      ? `Run ${path.join(' ')} --help to see its commands.`
      : `Run ${path.join(' ')} --help to see its arguments and options.`;
  return new AppError('CAREPOOL_USAGE', error.message.replace(/^error: /, ''), {
    hint,
    meta: { parser: error.code },
  });
}

/** The command words of argv that name (sub)commands, after the program's name: `carepool migrate up`. */
function commandPath(program: Command, argv: readonly string[]): string[] {
  const path = [program.name()];
  let at: Command = program;
  for (const word of argv) {
    if (word.startsWith('-')) break;
    const next = at.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    path.push(next.name());
    at = next;
  }
  return path;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Exit code for a failed command. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof AppError) return error.exitCode;
  if (
    typeof error === 'object' &&
    error !== null &&
    'exitCode' in error &&
    typeof error.exitCode === 'number'
  ) {
    return error.exitCode === 0 ? 0 : 2; // commander usage errors
  }
  return 1;
}
