import { defineCodes } from './types.js';

/** Authentication, authorization and audit errors. */
export const authCodes = defineCodes({
  CAREPOOL_AUTH_REQUIRED: {
    exit: 2,
    http: 401,
    title: 'The request carries no valid session or API token.',
    hint: 'Sign in at /login, or send Authorization: Bearer <token> (create one with: carepool tokens create NAME --user USER).',
  },
  CAREPOOL_AUTH_FORBIDDEN: {
    exit: 2,
    http: 403,
    title: "The signed-in user's role does not allow this action.",
    hint: 'Ask an admin for a role that allows it (viewer reads, clinician also writes, admin also runs operations).',
  },
  CAREPOOL_AUTH_INVALID_CREDENTIALS: {
    exit: 2,
    http: 401,
    title: 'The user name or password is wrong.',
    hint: 'Check both. After 5 failures in a row with one user name, your address waits 2, 4, 8 … seconds (at most 15 minutes) before it may try that name again.',
  },
  CAREPOOL_AUTH_RATE_LIMITED: {
    exit: 2,
    http: 429,
    title: 'Too many sign-in attempts from this address.',
    hint: 'Wait for the Retry-After delay before trying again.',
  },
  CAREPOOL_AUTH_CSRF: {
    exit: 2,
    http: 403,
    title: 'A form was posted without a valid anti-forgery token.',
    hint: 'Reload the page and submit the form again.',
  },
  CAREPOOL_AUTH_STORE_UNAVAILABLE: {
    exit: 1,
    http: 503,
    title: 'No target could be reached to read users and tokens.',
    hint: 'Users live on every target; bring at least one back (carepool doctor tells why each is down).',
  },
  CAREPOOL_AUTH_PARTIAL_WRITE: {
    exit: 1,
    http: 503,
    title: 'A user or token change reached some targets but not all.',
    hint: 'Run the same command again when the listed targets are back: it is idempotent and copies the change to them.',
  },
  CAREPOOL_AUTH_UNKNOWN_USER: {
    exit: 1,
    http: 404,
    title: 'No user has that name.',
    hint: 'List users with: carepool users list; create one with: carepool users create NAME --role ROLE.',
  },
  CAREPOOL_AUDIT_WRITE_FAILED: {
    exit: 1,
    http: 503,
    title: 'The audit event could not be written, so the access was refused.',
    hint: 'Check the target (carepool doctor); every read or write of patient data must be audited first.',
  },
});
