import { MERMAID_LEFT, MERMAID_RIGHT } from './notation.js';
import type { Change, ErdAttribute, ErdModel } from './types.js';

/**
 * Renders a Mermaid `erDiagram` (GitHub, GitLab and the web app render it without a browser on our side).
 * Mermaid's grammar allows only `[A-Za-z0-9_()[\]-]` in attribute types, so types with spaces or commas are
 * simplified and the exact type goes into the attribute comment.
 */
export function renderMermaid(model: ErdModel): string {
  const lines = ['erDiagram'];
  if (model.compared)
    lines.push(`  %% ${model.compared.left} vs ${model.compared.right}: differences are noted in comments`);
  for (const rel of model.relationships) {
    const line = rel.identifying ? '--' : '..';
    const ends = `${MERMAID_LEFT[rel.parentCardinality]}${line}${MERMAID_RIGHT[rel.childCardinality]}`;
    const label = `${rel.childColumns.join(', ')} references ${rel.parentColumns.join(', ')}`;
    const note = changeNote(rel.change, model);
    if (note) lines.push(`  %% ${rel.name}: ${note}`);
    lines.push(`  ${name(rel.parent)} ${ends} ${name(rel.child)} : ${text(label)}`);
  }
  for (const entity of model.entities) {
    const note = changeNote(entity.change, model);
    if (note) lines.push(`  %% ${entity.name}: ${note}`);
    lines.push(`  ${name(entity.name)} {`);
    for (const a of entity.attributes) lines.push(`    ${attribute(a, model)}`);
    lines.push('  }');
  }
  return `${lines.join('\n')}\n`;
}

function attribute(a: ErdAttribute, model: ErdModel): string {
  const type = mermaidType(a.type);
  const keys = a.keys.length > 0 ? ` ${a.keys.join(', ')}` : '';
  const notes = [
    type === a.type ? '' : a.type,
    a.nullable ? 'NULL' : 'NOT NULL',
    a.autoIncrement ? 'AUTO_INCREMENT' : '',
    a.default === undefined ? '' : `DEFAULT ${a.default}`,
    changeNote(a.change, model) ?? '',
  ].filter(Boolean);
  return `${type} ${name(a.name)}${keys} ${text(notes.join(', '))}`;
}

/** A type Mermaid's ATTRIBUTE_WORD accepts: `int unsigned` → `int_unsigned`, `decimal(10,2)` → `decimal(10-2)`. */
export function mermaidType(type: string): string {
  if (type.startsWith('enum(')) return 'enum';
  const simple = type
    .replace(/\s+/g, '_')
    .replace(/,/g, '-')
    .replace(/[^A-Za-z0-9_()[\]-]/g, '');
  return /^[A-Za-z_]/.test(simple) ? simple : `t_${simple}`;
}

function changeNote(change: Change | undefined, model: ErdModel): string | undefined {
  if (change === undefined || model.compared === undefined) return undefined;
  if (change.kind === 'only-left') return `only on ${model.compared.left}`;
  if (change.kind === 'only-right') return `only on ${model.compared.right}`;
  return `${model.compared.left} ${change.left} / ${model.compared.right} ${change.right}`;
}

function name(identifier: string): string {
  return identifier.replace(/[^A-Za-z0-9_-]/g, '_');
}

function text(value: string): string {
  return `"${value.replace(/"/g, "'")}"`;
}
