import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

const DOC = new URL('../../docs/benchmarks.md', import.meta.url);

const HEADER = `# Benchmarks

Every comparison runs side by side in one process run against the same local server, and is reported as a
ratio, because absolute numbers on a shared 2-core machine are noisy. Regenerate with \`npm run bench\`
(short) or \`npm run bench -- --full\`. Each section below is rewritten by its own benchmark.
`;

/**
 * Replaces (or appends) the section `name` of docs/benchmarks.md, delimited by HTML comments, so each
 * benchmark owns its part of the file.
 */
export async function writeSection(name: string, markdown: string): Promise<void> {
  let doc: string;
  try {
    doc = await readFile(DOC, 'utf8');
  } catch {
    doc = HEADER;
  }
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const at = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  doc =
    at >= 0 && stop > at
      ? doc.slice(0, at) + block + doc.slice(stop + end.length)
      : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(DOC, doc);
}

/**
 * Replaces the header of docs/benchmarks.md (everything before the first section) and keeps every
 * section, so a run of some benchmarks never loses the others' results.
 */
export async function writeHeader(markdown: string): Promise<void> {
  let doc: string;
  try {
    doc = await readFile(DOC, 'utf8');
  } catch {
    doc = '';
  }
  const first = doc.indexOf('<!-- bench:');
  const sections = first >= 0 ? doc.slice(first) : '';
  await writeFile(DOC, `${markdown.trim()}\n\n${sections.trimEnd()}\n`);
}

/** One line describing the machine and versions, for every section. */
export function machineLine(extra = ''): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}${extra ? `, ${extra}` : ''}. Run ${new Date().toISOString().slice(0, 16)}Z.`;
}

/** Renders a Markdown table. */
export function mdTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
