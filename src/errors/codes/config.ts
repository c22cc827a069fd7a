import { defineCodes } from './types.js';

/** Configuration and usage errors. */
export const configCodes = defineCodes({
  CAREPOOL_CONFIG_INVALID: {
    exit: 2,
    http: 500,
    title: 'An environment variable or .env value is malformed or out of range.',
    hint: 'Fix the variable named in the message; .env.example documents every variable with a valid example.',
  },
  CAREPOOL_CONFIG_NO_TARGETS: {
    exit: 2,
    http: 500,
    title: 'No database target is configured and the command cannot use the sandbox.',
    hint: 'Set CAREPOOL_TARGETS and CAREPOOL_TARGET_<NAME>_URL (or DATABASE_URL), or start the sandbox: carepool sandbox start.',
  },
  CAREPOOL_USAGE: {
    exit: 2,
    http: 400,
    title: 'The command line is incomplete or contradictory.',
    hint: 'Run the command with --help to see its options.',
  },
  CAREPOOL_TARGET_UNKNOWN: {
    exit: 2,
    http: 404,
    title: 'A target name was given that is not configured.',
    hint: 'Use one of the configured targets (carepool targets lists them) or "all".',
  },
});
