/** A back-quoted identifier of any name the server accepted (backticks doubled, as the server quotes them). */
export function quoteName(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A single-quoted SQL string literal (backslashes and quotes escaped), for trusted catalog text. */
export function sqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
