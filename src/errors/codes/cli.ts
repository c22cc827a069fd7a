import { defineCodes } from './types.js';

/** Codes of the command line itself: failures that are not any capability's known error. */
export const cliCodes = defineCodes({
  CAREPOOL_INTERNAL: {
    exit: 1,
    http: 500,
    title: 'The command failed with an error carepool does not recognise (a bug in carepool).',
    hint: 'Please report it with the command you ran; CAREPOOL_DEBUG=1 prints the stack trace.',
  },
});
