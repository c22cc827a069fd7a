import { type DestinationStream, type Logger, pino } from 'pino';

/** Paths pino masks in every log line, whatever a caller passes: secrets never reach the logs. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'url.password',
];

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  readonly level: string;
  /** Where lines go; defaults to stderr so stdout stays for command output. */
  readonly destination?: DestinationStream;
}

/** A pino logger with carepool's redaction rules. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { app: 'carepool' },
      redact: { paths: REDACT_PATHS, censor: '***' },
      // Anything that logs a request (Fastify's own error paths do) gets its method and path, never the
      // query string, which can hold a patient's name; error messages lose any query string they quote.
      serializers: { req: requestWithoutQuery, err: errorWithoutQuery },
    },
    options.destination ?? pino.destination(2),
  );
}

/** `?query` parts of URLs inside a text (kept: the path). */
const QUERY = /(\/[^\s?"']*)\?[^\s"']*/g;

/** Strips query strings from URLs quoted in `text`. */
export function withoutQuery(text: string): string {
  return text.replace(QUERY, '$1?…');
}

function requestWithoutQuery(req: { method?: unknown; url?: unknown }): Record<string, unknown> {
  const url = typeof req?.url === 'string' ? req.url : '';
  return { method: req?.method, path: url.split('?')[0] };
}

function errorWithoutQuery(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (!serialized || typeof serialized !== 'object') return serialized;
  for (const key of ['message', 'stack'] as const) {
    const value = serialized[key];
    if (typeof value === 'string') serialized[key] = withoutQuery(value);
  }
  return serialized;
}

export type { Logger } from 'pino';
