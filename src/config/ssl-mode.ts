/** MySQL client ssl-mode names (`mysql --ssl-mode`), in increasing strictness. */
export const SSL_MODES = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'] as const;

/** One of MySQL's client ssl-mode names. */
export type SslMode = (typeof SSL_MODES)[number];

/** True when `value` is a valid ssl-mode (case-insensitive input must be upper-cased first). */
export function isSslMode(value: string): value is SslMode {
  return (SSL_MODES as readonly string[]).includes(value);
}
