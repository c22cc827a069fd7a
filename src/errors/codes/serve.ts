import { defineCodes } from './types.js';

/** Starting the web app (`carepool up`, `carepool serve`). */
export const serveCodes = defineCodes({
  CAREPOOL_SERVE_PORT_IN_USE: {
    exit: 2,
    http: 500,
    title: 'The port the web app should listen on is already taken by another process.',
    hint: 'Stop the other process (an earlier carepool?), or pick another port: --port 3001 or CAREPOOL_HTTP_PORT=3001 (0 picks a free one).',
  },
  CAREPOOL_SERVE_PORT_NOT_ALLOWED: {
    exit: 2,
    http: 500,
    title: 'This user may not listen on that port or address (EACCES / EADDRNOTAVAIL).',
    hint: 'Use a port from 1024 up (--port 3000 or CAREPOOL_HTTP_PORT=3000) and an address this machine has (--host 127.0.0.1 or CAREPOOL_HTTP_HOST).',
  },
});
