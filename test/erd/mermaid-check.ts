/**
 * A light syntax check of Mermaid `erDiagram` text, following the jison grammar of mermaid's erDiagram
 * (entity names, relationship tokens, attribute blocks with type, name, keys and a quoted comment). Returns
 * the problems found (empty when valid) plus what it parsed, so tests can assert on entities and edges.
 */
export interface MermaidErd {
  readonly errors: readonly string[];
  readonly entities: ReadonlyMap<string, readonly { type: string; name: string; keys: readonly string[] }[]>;
  readonly relationships: readonly { left: string; card: string; right: string; label: string }[];
}

const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
const CARD_LEFT = '(?:\\|o|\\|\\||\\}o|\\}\\|)';
const CARD_RIGHT = '(?:o\\||\\|\\||o\\{|\\|\\{)';
const REL = new RegExp(
  `^(${NAME})\\s+(${CARD_LEFT}(?:--|\\.\\.)${CARD_RIGHT})\\s+(${NAME})\\s*:\\s*("[^"]*"|${NAME})$`,
);
const OPEN = new RegExp(`^(${NAME})\\s*\\{$`);
const ATTR =
  /^([*A-Za-z_][A-Za-z0-9_()[\]-]*)\s+([*A-Za-z_][A-Za-z0-9_-]*)((?:\s+(?:PK|FK|UK)(?:\s*,\s*(?:PK|FK|UK))*)?)(?:\s+"[^"]*")?$/;

export function checkMermaidErd(text: string): MermaidErd {
  const errors: string[] = [];
  const entities = new Map<string, { type: string; name: string; keys: string[] }[]>();
  const relationships: { left: string; card: string; right: string; label: string }[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  let open: string | undefined;
  let sawHeader = false;
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line === '' || line.startsWith('%%')) return;
    if (!sawHeader) {
      if (line !== 'erDiagram') errors.push(`${where}: expected erDiagram`);
      sawHeader = true;
      return;
    }
    if (open !== undefined) {
      if (line === '}') {
        open = undefined;
        return;
      }
      const m = ATTR.exec(line);
      if (!m) errors.push(`${where}: not an attribute`);
      else {
        const keys = (m[3] ?? '')
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean);
        entities.get(open)?.push({ type: m[1] ?? '', name: m[2] ?? '', keys });
      }
      return;
    }
    const rel = REL.exec(line);
    if (rel) {
      relationships.push({
        left: rel[1] ?? '',
        card: rel[2] ?? '',
        right: rel[3] ?? '',
        label: rel[4] ?? '',
      });
      return;
    }
    const o = OPEN.exec(line);
    if (o) {
      open = o[1] ?? '';
      if (!entities.has(open)) entities.set(open, []);
      return;
    }
    errors.push(`${where}: not a relationship or entity block`);
  });
  if (!sawHeader) errors.push('empty diagram');
  if (open !== undefined) errors.push(`entity ${open} is not closed`);
  return { errors, entities, relationships };
}
