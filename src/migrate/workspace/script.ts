/**
 * Splits a SQL script into statements the way the mysql command-line client does: statements end at the
 * current delimiter (`;` until a `DELIMITER x` line changes it), except inside quotes ('…', "…", `…`)
 * and comments (`-- `, `#`, `/* … *\/`). This is a tokenizer for statement boundaries only: carepool
 * never interprets the statements, the server does (a workspace runs them one by one). Statements made of
 * comments only are dropped; `/*!…*\/` version comments are statements the server executes, and are kept.
 */
export function splitScript(text: string): string[] {
  const out: string[] = [];
  let delimiter = ';';
  let start = 0;
  let i = 0;
  const n = text.length;
  const atLineStart = (pos: number) => {
    let j = pos - 1;
    while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
    return j < 0 || text[j] === '\n';
  };
  const push = (end: number) => {
    const stmt = text.slice(start, end).trim();
    if (stmt !== '' && !isOnlyComments(stmt)) out.push(stmt);
  };
  while (i < n) {
    const c = text[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(text, i, c);
      continue;
    }
    if (c === '#' || (c === '-' && text[i + 1] === '-' && /\s/.test(text[i + 2] ?? ' '))) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if ((c === 'D' || c === 'd') && atLineStart(i)) {
      const m = /^DELIMITER[ \t]+(\S+)[^\n]*(?:\n|$)/i.exec(text.slice(i, i + 200));
      if (m) {
        push(i);
        delimiter = m[1] as string;
        i += m[0].length;
        start = i;
        continue;
      }
    }
    if (text.startsWith(delimiter, i)) {
      push(i);
      i += delimiter.length;
      start = i;
      continue;
    }
    i++;
  }
  push(n);
  return out;
}

/** Index after the closing quote (a doubled quote or a backslash escape stays inside). */
function skipQuoted(text: string, open: number, q: string): number {
  let i = open + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && q !== '`') i += 2;
    else if (c === q && text[i + 1] === q) i += 2;
    else if (c === q) return i + 1;
    else i++;
  }
  return i;
}

function isOnlyComments(stmt: string): boolean {
  const stripped = stmt
    .replace(/\/\*(?!!)[\s\S]*?\*\//g, '')
    .replace(/(^|\n)\s*(#|-- )[^\n]*/g, '')
    .trim();
  return stripped === '';
}
