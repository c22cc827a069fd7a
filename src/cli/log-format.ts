import type { DestinationStream } from 'pino';

/** How the web server's log lines are written: `human` (one readable line) or `json` (pino's lines). */
export type LogFormat = 'human' | 'json';

/** Parses `--log-format`; unknown values are a usage error raised by commander's choices. */
export const LOG_FORMATS: readonly LogFormat[] = ['human', 'json'];

/**
 * The format when `--log-format` is not given: readable lines when stderr is a terminal (someone is
 * watching `npm start`), JSON otherwise (a service manager or a file, where a log collector parses them).
 */
export function defaultLogFormat(stderrIsTty = process.stderr.isTTY === true): LogFormat {
  return stderrIsTty ? 'human' : 'json';
}

const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** Fields every line has, or that the human line shows in its own place. */
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'app', 'msg', 'v']);

/**
 * Turns one pino JSON line into `12:04:05 WARN  message  key=value …` (the redaction already happened in
 * the logger, so nothing secret arrives here). A line that is not JSON is passed through.
 */
export function humanLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '--:--:--';
  const level = (LEVELS[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const extra = Object.entries(entry)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level} ${String(entry.msg ?? '')}${extra ? `  ${extra}` : ''}`;
}

/** A pino destination writing {@link humanLine}s to `write` (stderr by default). */
export function humanDestination(
  write: (text: string) => void = (t) => process.stderr.write(t),
): DestinationStream {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) write(`${humanLine(line)}\n`);
    },
  };
}
