import { redact, type Secret } from '../config/index.js';
import { AppError, type ErrorCode } from '../errors/index.js';
import { STATEMENT_TIMEOUT_CODE } from './driver.js';

/** Where an error happened, to make the message useful without leaking secrets. */
export interface ErrorContext {
  readonly target: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: Secret;
}

interface DriverErrorLike {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message?: string;
}

const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|HANDSHAKE_SSL_ERROR|HOSTNAME_MISMATCH)/;

/**
 * Wraps a driver or socket error once, at the db edge, into an {@link AppError}: errno and SQLSTATE are kept,
 * the SQL text and parameters are dropped, the password is redacted.
 */
export function wrapDriverError(error: unknown, ctx: ErrorContext): AppError {
  if (error instanceof AppError) return error;
  const e = (
    typeof error === 'object' && error !== null ? error : { message: String(error) }
  ) as DriverErrorLike;
  const where = `target "${ctx.target}" (${ctx.host}:${ctx.port})`;
  const serverText = e.sqlMessage ?? e.message ?? 'unknown error';
  const meta = {
    target: ctx.target,
    ...(e.errno === undefined ? {} : { errno: e.errno }),
    ...(e.sqlState === undefined ? {} : { sqlState: e.sqlState }),
    ...(e.code === undefined ? {} : { driverCode: e.code }),
  };
  const make = (code: ErrorCode, message: string, hint?: string): AppError =>
    new AppError(code, scrub(message, ctx), {
      meta,
      cause: error,
      ...(hint === undefined ? {} : { hint }),
    });

  switch (true) {
    case e.errno === 3159 || e.code === 'ER_SECURE_TRANSPORT_REQUIRED':
      return make(
        'CAREPOOL_DB_INSECURE_TRANSPORT',
        `${where} refused a connection without TLS: ${serverText}`,
      );
    case e.errno === 1045 || e.code === 'ER_ACCESS_DENIED_ERROR':
      return make(
        'CAREPOOL_DB_ACCESS_DENIED',
        `${where} denied access for user "${ctx.user}": ${serverText}`,
        `Check the password of "${ctx.user}" in the target URL and that the user may connect from this host (the server sees it as the host in the message). On Azure the user name is plain; on Cloud SQL check the user's allowed host.`,
      );
    case e.errno === 1049 || e.code === 'ER_BAD_DB_ERROR':
      return make('CAREPOOL_DB_UNKNOWN_DATABASE', `${where}: ${serverText}`);
    // MariaDB 1969 ER_STATEMENT_TIMEOUT (max_statement_time), MySQL 3024 ER_QUERY_TIMEOUT
    // (max_execution_time), or our own client-side timer (./driver.ts). Not 1907: it was MySQL's timeout only
    // in 5.7.4-5.7.7 (unsupported here), and on MariaDB it is "not yet supported for generated columns".
    case e.errno === 1969 || e.errno === 3024 || e.code === STATEMENT_TIMEOUT_CODE:
      return new AppError(
        'CAREPOOL_DB_STATEMENT_TIMEOUT',
        scrub(
          e.code === STATEMENT_TIMEOUT_CODE
            ? `${where}: ${serverText}; the query was killed`
            : `${where} stopped a statement at the statement timeout: ${serverText}`,
          ctx,
        ),
        { meta: { ...meta, retryAfterS: 1 }, cause: error },
      );
    // 1290 ER_OPTION_PREVENTS_STATEMENT for --read-only (also 1836 ER_READ_ONLY_MODE): a cutover's write stop.
    case (e.errno === 1290 || e.errno === 1836) && /read.only/i.test(serverText):
      return new AppError('CAREPOOL_DB_READ_ONLY', scrub(`${where} is read-only: ${serverText}`, ctx), {
        meta: { ...meta, retryAfterS: 1 },
        cause: error,
      });
    case e.errno === 1040 || e.code === 'ER_CON_COUNT_ERROR':
      return make('CAREPOOL_DB_TOO_MANY_CONNECTIONS', `${where}: ${serverText}`);
    case e.code === 'ETIMEDOUT' || e.code === 'CAREPOOL_CONNECT_TIMEOUT':
      return make('CAREPOOL_DB_CONNECT_TIMEOUT', `${where} did not answer within the connect timeout`);
    case e.code === 'ECONNREFUSED':
      return make(
        'CAREPOOL_DB_CONNECT_REFUSED',
        `${where} refused the TCP connection (nothing listens there)`,
      );
    case e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN':
      return make('CAREPOOL_DB_HOST_NOT_FOUND', `${where}: host name "${ctx.host}" does not resolve`);
    case TLS_CODES.test(e.code ?? '') || /certificate|TLS|SSL/i.test(e.message ?? ''):
      return make('CAREPOOL_DB_TLS_FAILED', `${where}: TLS failed: ${e.code ?? ''} ${serverText}`.trim());
    case e.code === 'PROTOCOL_CONNECTION_LOST' ||
      e.code === 'ECONNRESET' ||
      e.code === 'EPIPE' ||
      e.errno === 1927 ||
      e.errno === 2013 ||
      e.code === 'PROTOCOL_SEQUENCE_TIMEOUT' ||
      /closed state|Connection lost/i.test(e.message ?? ''):
      return make('CAREPOOL_DB_CONNECTION_LOST', `${where}: connection lost: ${serverText}`);
    case e.errno === 1062 || e.errno === 1451 || e.errno === 1452 || e.errno === 1216 || e.errno === 1217:
      return make('CAREPOOL_DB_CONSTRAINT', `${where}: ${serverText}`);
    case e.errno === 1146:
      return make('CAREPOOL_SCHEMA_MISSING', `${where}: ${serverText}`);
    default:
      return make(
        'CAREPOOL_DB_QUERY_FAILED',
        `${where}: ${e.errno === undefined ? '' : `error ${e.errno} `}${e.sqlState === undefined ? '' : `(${e.sqlState}) `}${serverText}`,
      );
  }
}

function scrub(message: string, ctx: ErrorContext): string {
  return ctx.password === undefined ? message : redact(message, [ctx.password]);
}
