import type { Table, Unsupported } from '../../schema/index.js';
import type { ServerInfo } from '../server.js';
import { renderShowCreate } from './show-create.js';

/**
 * The lines of a SHOW CREATE TABLE text in a comparable form: the next AUTO_INCREMENT value is left out
 * (it is data, not schema), trailing commas are dropped, and key and constraint lines are sorted, since
 * InnoDB orders secondary indexes by creation (and kind) rather than by anything the model keeps; like
 * Skeema's default, index order is treated as cosmetic. Column order is kept.
 */
function comparable(text: string): string[] {
  const lines = text
    .replace(/ AUTO_INCREMENT=\d+/, '')
    .split('\n')
    .map((l) => l.replace(/,$/, ''));
  const head: string[] = [];
  const keys: string[] = [];
  const constraints: string[] = [];
  const tail: string[] = [];
  let inTail = false;
  for (const l of lines.slice(1)) {
    if (inTail || l.startsWith(')')) {
      inTail = true;
      tail.push(l);
    } else if (/^ {2}(PRIMARY |UNIQUE |FULLTEXT |SPATIAL )?KEY /.test(l)) keys.push(l);
    else if (l.startsWith('  CONSTRAINT ')) constraints.push(l);
    else head.push(l);
  }
  return [lines[0] ?? '', ...head, ...keys.sort(), ...constraints.sort(), ...tail];
}

/**
 * The first fragment where the model's rendering and the server's own text differ, or null when they are
 * the same (up to index order). The fragment quotes both sides, shortened to the differing line.
 */
export function firstDifference(expected: string, actual: string): string | null {
  const a = comparable(expected);
  const b = comparable(actual);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const server = (b[i] ?? '(nothing)').trim();
      const model = (a[i] ?? '(nothing)').trim();
      return `server has "${server}", the model renders "${model}"`;
    }
  }
  return null;
}

/**
 * Checks one introspected table the Skeema way: the model rendered back to CREATE TABLE must equal the
 * server's SHOW CREATE TABLE. Returns why not (partitioning named first), or undefined when it does.
 */
export function checkFidelity(
  table: Table,
  createStatement: string,
  server: ServerInfo,
  createOptions = '',
): Unsupported | undefined {
  if (/\bpartitioned\b/i.test(createOptions) || /\n\s*PARTITION BY /i.test(createStatement))
    return { reason: 'unsupported: partitioned (carepool does not model partitioning)', createStatement };
  const rendered = renderShowCreate(table, server);
  // Most tables render exactly, index order included: the line-by-line comparison only when they do not.
  if (rendered === createStatement.replace(/ AUTO_INCREMENT=\d+/, '')) return undefined;
  const diff = firstDifference(rendered, createStatement);
  return diff === null ? undefined : { reason: `unsupported: ${diff}`, createStatement };
}
