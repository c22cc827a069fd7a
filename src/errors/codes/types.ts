/** What the registry says about one error code. */
export interface CodeSpec {
  /** Process exit code when the CLI fails with this error (1 failure, 2 usage/config, 3 drift). */
  readonly exit: 1 | 2 | 3 | 130;
  /** HTTP status when the web app fails with this error. */
  readonly http: number;
  /** One line: what happened, for docs/errors.md. */
  readonly title: string;
  /** Default hint: what the user should do. A thrower may give a more specific one. */
  readonly hint: string;
}

/** Helper that keeps each area's table typed while preserving its literal keys. */
export function defineCodes<const T extends Record<`CAREPOOL_${string}`, CodeSpec>>(table: T): T {
  return table;
}
