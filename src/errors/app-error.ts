import { CODES, type ErrorCode } from './codes/index.js';

/** JSON-safe metadata attached to an error (never secrets). */
export type ErrorMeta = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

/** Options for {@link AppError}. */
export interface AppErrorOptions {
  /** A more specific hint than the registry default. */
  readonly hint?: string;
  readonly meta?: ErrorMeta;
  readonly cause?: unknown;
  /** Field-level messages for validation errors: field path → message. */
  readonly fields?: Readonly<Record<string, string>>;
}

/**
 * The one error class of carepool: a stable `code`, a human `message` that quotes the offending value,
 * a `hint` saying what to do, and JSON-only `meta`. The CLI maps `exitCode`, the web app `httpStatus`.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly hint: string;
  readonly meta: ErrorMeta;
  readonly fields: Readonly<Record<string, string>> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint ?? CODES[code].hint;
    this.meta = options.meta ?? {};
    this.fields = options.fields;
  }

  /** Process exit code for the CLI. */
  get exitCode(): number {
    return CODES[this.code].exit;
  }

  /** HTTP status for the web app. */
  get httpStatus(): number {
    return CODES[this.code].http;
  }

  /** The wire shape used by `--json` output and the HTTP error envelope. */
  toJSON(): {
    code: ErrorCode;
    message: string;
    hint: string;
    meta?: ErrorMeta;
    fields?: Record<string, string>;
  } {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      ...(Object.keys(this.meta).length > 0 ? { meta: this.meta } : {}),
      ...(this.fields ? { fields: { ...this.fields } } : {}),
    };
  }
}

/** True when `value` is an {@link AppError}, optionally with the given code. */
export function isAppError(value: unknown, code?: ErrorCode): value is AppError {
  return value instanceof AppError && (code === undefined || value.code === code);
}
