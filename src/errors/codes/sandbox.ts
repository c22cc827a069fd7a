import { defineCodes } from './types.js';

/** Sandbox server errors. */
export const sandboxCodes = defineCodes({
  CAREPOOL_SANDBOX_NO_SERVER_BINARY: {
    exit: 2,
    http: 500,
    title: 'No mariadbd or mysqld binary was found on PATH or in /usr/sbin.',
    hint: 'Install one: sudo apt-get install -y mariadb-server (Debian/Ubuntu) or brew install mariadb (macOS).',
  },
  CAREPOOL_SANDBOX_START_FAILED: {
    exit: 1,
    http: 500,
    title: 'A sandbox server did not start or did not accept connections in time.',
    hint: 'Read the server log named in the message; remove .carepool/sandbox/<name> to start from an empty data dir.',
  },
  CAREPOOL_SANDBOX_PORT_TAKEN: {
    exit: 1,
    http: 500,
    title:
      'A sandbox server must restart on the port recorded in .carepool/sandbox/state.json (running carepool processes point there), but another process holds it.',
    hint: 'Stop the process that listens on that port (ss -ltnp), or accept new ports with: carepool sandbox start --free-ports (then restart carepool serve).',
  },
  CAREPOOL_SANDBOX_TOOL_MISSING: {
    exit: 2,
    http: 500,
    title: 'A tool the sandbox needs (openssl) is not installed.',
    hint: 'Install it: sudo apt-get install -y openssl.',
  },
});
