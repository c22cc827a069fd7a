import { quoteIdentifier } from '../../db/sql.js';

/** A back-quoted identifier of any name the server accepted (backticks doubled, as the server quotes them). */
export function quoteName(name: string): string {
  return quoteIdentifier(name);
}

/** A single-quoted SQL string literal (backslashes and quotes escaped), for trusted catalog text. */
export function sqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
