import { defineCodes } from './types.js';

/** The traffic simulation (`carepool load`) and its live view. */
export const loadCodes = defineCodes({
  CAREPOOL_LOAD_NOT_LOOPBACK: {
    exit: 2,
    http: 400,
    title: 'carepool load only sends traffic to this machine (127.0.0.1, ::1 or localhost).',
    hint: 'Run the load against a server on this machine (carepool serve binds 127.0.0.1), or leave out --url to let carepool load start one itself.',
  },
  CAREPOOL_LOAD_USER_FAILED: {
    exit: 1,
    http: 503,
    title: 'The in-process load server could not create the user its traffic signs in as.',
    hint: 'Bring every target to the newest migration (carepool migrate up --target all) and check it answers (carepool doctor).',
  },
  CAREPOOL_LOAD_SERVER_UNREACHABLE: {
    exit: 1,
    http: 502,
    title: 'The server to load did not answer its patients API before the run started.',
    hint: 'Check that carepool serve is running at that URL and that every target answers (curl <url>/readyz); leave out --url to let carepool load start a server itself.',
  },
  CAREPOOL_LOAD_OPTION_INVALID: {
    exit: 2,
    http: 400,
    title: 'A load option is out of range or cannot be combined with the others.',
    hint: 'Durations are 1-600 s, connections 1-1000; --scenario sweep needs the in-process server (leave out --url) because it restarts the pools at each size.',
  },
  CAREPOOL_LOAD_REPORT_FAILED: {
    exit: 1,
    http: 500,
    title: 'The load report (JSON, HTML or PNG charts) could not be written.',
    hint: 'Check that the --out directory is writable and has space; if only PNG fails, reinstall dependencies (npm ci) so @resvg/resvg-js matches this platform.',
  },
  CAREPOOL_LOAD_LIVE_BUSY: {
    exit: 1,
    http: 503,
    title: 'Too many live views are open on this server at once.',
    hint: 'Close other /live tabs (each holds a stream); the limit keeps the live view from using the server up.',
  },
});
