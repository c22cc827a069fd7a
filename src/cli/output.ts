/** Where commands write. The only place (with main.ts) that touches stdout/stderr. */
export interface Output {
  /** A line of human output on stdout. */
  line(text?: string): void;
  /** A JSON document on stdout. */
  json(value: unknown): void;
  /** A diagnostic line on stderr (progress, warnings). */
  note(text: string): void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  readonly interactive: boolean;
  /** Redraws a progress line on stderr (terminal only). */
  progress(text: string): void;
}

/** Output to the process's stdout/stderr. */
export class StdOutput implements Output {
  readonly interactive = process.stderr.isTTY === true;

  line(text = ''): void {
    process.stdout.write(`${text}\n`);
  }

  json(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  progress(text: string): void {
    if (this.interactive) process.stderr.write(`\r\x1b[2K${text}`);
  }
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A text progress bar: `[#####.....] 50% 500/1000 label`. */
export function bar(done: number, total: number, label = '', width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${done}/${total} ${label}`.trimEnd();
}
