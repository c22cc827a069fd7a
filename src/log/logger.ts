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
    },
    options.destination ?? pino.destination(2),
  );
}

export type { Logger } from 'pino';
