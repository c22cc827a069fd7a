import { defineCodes } from './types.js';

/** Errors of the HTTP layer itself (the data errors keep their own codes). */
export const webCodes = defineCodes({
  CAREPOOL_WEB_ROUTE_NOT_FOUND: {
    exit: 1,
    http: 404,
    title: 'No page or API route matches the method and path of the request.',
    hint: 'Check the path against the API reference at /docs (routes live under /api/v1).',
  },
  CAREPOOL_WEB_BAD_REQUEST: {
    exit: 1,
    http: 400,
    title: 'The request could not be read: malformed JSON, an unsupported content type or a body too large.',
    hint: 'Send JSON with Content-Type: application/json (forms: application/x-www-form-urlencoded), under 1 MiB.',
  },
  CAREPOOL_WEB_SHUTTING_DOWN: {
    exit: 1,
    http: 503,
    title: 'The server is shutting down: it finishes requests in flight and refuses new ones.',
    hint: 'Retry after the Retry-After delay, against another instance or once this one has restarted.',
  },
  CAREPOOL_WEB_DEADLINE: {
    exit: 1,
    http: 503,
    title:
      'The request passed its deadline (the acquire timeout plus the statement timeout) and was answered with 503 instead of hanging.',
    hint: 'Retry after the Retry-After delay. If it repeats, the target is slow or overloaded: run carepool doctor, look for slow queries, or raise CAREPOOL_STATEMENT_TIMEOUT_MS.',
  },
  CAREPOOL_WEB_OVERLOADED: {
    exit: 1,
    http: 503,
    title:
      'The server already works on as many requests as it can finish in time, so it refused this one at once instead of queueing it.',
    hint: 'Retry after the Retry-After delay. If it persists, add app instances or CPU, or make the slow requests faster.',
  },
  CAREPOOL_WEB_INTERNAL: {
    exit: 1,
    http: 500,
    title: 'The server failed in a way it did not expect (a bug).',
    hint: 'Retry; if it repeats, report it with the request id from the X-Request-Id header and the server log.',
  },
});
