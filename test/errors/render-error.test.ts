import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { errorJson, renderError, usageErrorOf } from '../../src/cli/render-error.js';
import { AppError } from '../../src/errors/index.js';

describe('CLI error rendering', () => {
  it('an error raised because of another names the cause code, and keeps its own code and hint', () => {
    const cause = new AppError('CAREPOOL_DB_CONNECT_REFUSED', 'connect ECONNREFUSED 127.0.0.1:1');
    const error = new AppError('CAREPOOL_DB_UNAVAILABLE', 'target "azure" is unavailable: connect refused', {
      cause,
      hint: cause.hint,
    });
    const text = renderError(error);
    expect(text).toMatch(/^error CAREPOOL_DB_UNAVAILABLE: /);
    expect(text).toContain('\n  cause: CAREPOOL_DB_CONNECT_REFUSED');
    expect(text).toContain(`\n  hint: ${cause.hint}`);
  });

  it('an unexpected error carries CAREPOOL_INTERNAL and a hint in text and JSON', () => {
    expect(renderError(new TypeError('x is undefined'))).toMatch(
      /^error CAREPOOL_INTERNAL: x is undefined\n {2}hint: .*report/,
    );
    expect(errorJson(new TypeError('x is undefined'))).toEqual({
      error: {
        code: 'CAREPOOL_INTERNAL',
        message: 'x is undefined',
        hint: expect.stringContaining('report'),
      },
    });
  });

  it('a parser error becomes CAREPOOL_USAGE with a hint naming the command; --help is not an error', () => {
    const program = new Command('carepool');
    const migrate = program.command('migrate');
    migrate.command('up').alias('upgrade');
    const unknown = new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'");
    const error = usageErrorOf(unknown, program, ['migrate', 'upgrade', '--bogus']);
    expect(error?.code).toBe('CAREPOOL_USAGE');
    expect(error?.message).toBe("unknown option '--bogus'");
    expect(error?.hint).toBe('Run carepool migrate up --help to see its arguments and options.');
    expect(error?.exitCode).toBe(2);
    expect(errorJson(error)).toMatchObject({
      error: { code: 'CAREPOOL_USAGE', meta: { parser: 'commander.unknownOption' } },
    });
    const command = new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'upp'");
    expect(usageErrorOf(command, program, ['migrate', 'upp'])?.hint).toBe(
      'Run carepool migrate --help to see its commands.',
    );
    const help = new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)');
    expect(usageErrorOf(help, program, ['--help'])).toBeUndefined();
  });
});
