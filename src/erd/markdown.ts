import { listDifferences } from './compare.js';
import { renderMermaid } from './mermaid.js';
import { MULTIPLICITY } from './notation.js';
import type { Change, ErdEntity, ErdModel } from './types.js';

/**
 * Renders schema documentation in GitHub-flavoured Markdown: the Mermaid diagram, then one section per table
 * with a column table, its indexes and its relationships (like `tbls doc`, in one file).
 */
export function renderMarkdown(model: ErdModel): string {
  const out = [`# ${model.title}`, ''];
  if (model.compared) {
    const diffs = listDifferences(model);
    out.push('## Differences', '');
    out.push(...(diffs.length === 0 ? ['The two schemas are identical.'] : diffs.map((d) => `- ${d}`)), '');
  }
  out.push('```mermaid', renderMermaid(model).trimEnd(), '```', '');
  for (const entity of model.entities) out.push(...section(entity, model), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function section(entity: ErdEntity, model: ErdModel): string[] {
  const lines = [`## ${entity.name}${marker(entity.change, model)}`, ''];
  if (entity.comment) lines.push(cell(entity.comment), '');
  lines.push(
    '| column | type | null | key | default | extra | comment |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const a of entity.attributes) {
    lines.push(
      `| ${cell(a.name)}${marker(a.change, model)} | ${cell(a.type)} | ${a.nullable ? 'YES' : 'NO'} | ${a.keys.join(', ')} | ${cell(a.default ?? '')} | ${a.autoIncrement ? 'auto_increment' : ''} | ${cell(a.comment ?? '')} |`,
    );
  }
  lines.push('', `Primary key: (${entity.primaryKey.join(', ') || 'none'})`);
  if (entity.indexes.length > 0) {
    lines.push('', 'Indexes:', '');
    for (const ix of entity.indexes) {
      lines.push(
        `- ${ix.unique ? 'unique ' : ''}\`${ix.name}\` (${ix.columns.join(', ')})${marker(ix.change, model)}`,
      );
    }
  }
  const rels = model.relationships.filter((r) => r.child === entity.name || r.parent === entity.name);
  if (rels.length > 0) {
    lines.push('', 'Relationships:', '');
    for (const r of rels) {
      lines.push(
        `- \`${r.name}\`: ${r.parent} ${MULTIPLICITY[r.parentCardinality]} — ${MULTIPLICITY[r.childCardinality]} ${r.child} ` +
          `(${r.child}.${r.childColumns.join(', ')} → ${r.parent}.${r.parentColumns.join(', ')}, ON DELETE ${r.onDelete}, ON UPDATE ${r.onUpdate})${marker(r.change, model)}`,
      );
    }
  }
  return lines;
}

function marker(change: Change | undefined, model: ErdModel): string {
  if (change === undefined || model.compared === undefined) return '';
  if (change.kind === 'only-left') return ` **(only on ${model.compared.left})**`;
  if (change.kind === 'only-right') return ` **(only on ${model.compared.right})**`;
  return ` **(${model.compared.left}: ${cell(change.left)}; ${model.compared.right}: ${cell(change.right)})**`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
