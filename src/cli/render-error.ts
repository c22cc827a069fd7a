import { AppError } from '../errors/index.js';

/** Text for a failed command: what happened, then what to do. */
export function renderError(error: unknown): string {
  if (error instanceof AppError) {
    const fields = Object.entries(error.fields ?? {}).map(([name, problem]) => `\n  ${name}: ${problem}`);
    return `error ${error.code}: ${error.message}${fields.join('')}\n  hint: ${error.hint}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${message}\n  hint: this is a bug in carepool; please report it with the command you ran.`;
}

/** JSON for a failed command (`--json`). */
export function errorJson(error: unknown): { error: unknown } {
  if (error instanceof AppError) return { error: error.toJSON() };
  return {
    error: { code: 'CAREPOOL_INTERNAL', message: error instanceof Error ? error.message : String(error) },
  };
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
