/**
 * The spelling-independent form of a trigger's or routine's CREATE text, for comparison only (never run).
 * The server keeps these bodies as written (SQL Original Statement / ROUTINE_DEFINITION), so the same
 * trigger written twice with other spacing, quoting or keyword case would otherwise read as a change (a
 * drop + create). Here: runs of whitespace outside literals become one space, and none is kept next to
 * punctuation or an operator (`( ) , ; . = + - * / < > ! | & ^ % ~`); a back-quoted identifier that is a plain word and not a keyword loses its quotes;
 * known keywords are upper-cased; a trailing `;` goes; comments (`-- …`, `# …`, `/* … *\/`) count as whitespace:
 * the mysql/mariadb clients strip them from what they send unless run with `--comments`, so a routine loaded
 * with the client and the same file loaded by carepool differed in nothing else. String literals, quoted
 * identifiers that need their quotes, `/*!…*\/` (executed) and the case of every other word (table names are
 * case-sensitive on Linux) are kept.
 */
export function canonicalBody(text: string): string {
  const out: string[] = [];
  let i = 0;
  let space = false;
  const push = (tok: string) => {
    const prev = out.at(-1) ?? '';
    if (space && out.length > 0 && !TIGHT.test(tok[0] ?? '') && !TIGHT.test(prev.at(-1) ?? '')) out.push(' ');
    out.push(tok);
    space = false;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      space = true;
      i++;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length) {
        if (text[j] === '\\' && c !== '`') j += 2;
        else if (text[j] === c && text[j + 1] === c) j += 2;
        else if (text[j] === c) break;
        else j++;
      }
      const tok = text.slice(i, j + 1);
      const inner = tok.slice(1, -1);
      push(c === '`' && /^[A-Za-z_$][\w$]*$/.test(inner) && !KEYWORDS.has(inner.toUpperCase()) ? inner : tok);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const j = end < 0 ? text.length : end + 2;
      // `/*!…*/` is code the server runs; any other comment is spelling, like whitespace.
      if (text[i + 2] === '!') push(text.slice(i, j));
      else space = true;
      i = j;
    } else if ((c === '-' && text[i + 1] === '-' && /\s/.test(text[i + 2] ?? ' ')) || c === '#') {
      const end = text.indexOf('\n', i);
      space = true;
      i = end < 0 ? text.length : end;
    } else if (/[\w$]/.test(c)) {
      let j = i;
      while (j < text.length && /[\w$]/.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      push(KEYWORDS.has(word.toUpperCase()) ? word.toUpperCase() : word);
      i = j;
    } else {
      push(c);
      i++;
    }
  }
  while (out.at(-1) === ';' || out.at(-1) === ' ') out.pop();
  return out.join('');
}

const TIGHT = /[(),;=.+\-*/<>!|&^%~]/;

// Keywords a trigger or routine is commonly written with; a word outside this list keeps its case.
const KEYWORDS = new Set(
  `ACCESS AFTER AND AS ASC BEFORE BEGIN BETWEEN BY CALL CASE CLOSE COMMENT CONDITION CONTAINS CONTINUE CREATE
  CURSOR DATA DECLARE DEFAULT DELETE DESC DETERMINISTIC DISTINCT DO EACH ELSE ELSEIF END EXISTS EXIT FALSE FETCH
  FOR FOLLOWS FOUND FROM FUNCTION GROUP HANDLER HAVING IF IN INOUT INSERT INTERVAL INTO INVOKER IS ITERATE JOIN
  LANGUAGE LEAVE LEFT LIKE LIMIT LOOP MESSAGE_TEXT MODIFIES NEW NO NOT NULL OF OLD ON OPEN OR ORDER OUT
  PRECEDES PROCEDURE READS REPEAT REPLACE RESIGNAL RETURN RETURNS ROW SECURITY SELECT SET SIGNAL SQL SQLEXCEPTION
  SQLSTATE SQLWARNING THEN TRIGGER TRUE UNDO UNTIL UPDATE USING VALUE VALUES WHEN WHERE WHILE`.split(/\s+/),
);
