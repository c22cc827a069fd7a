import { listDifferences } from './compare.js';
import { GRAPHVIZ_ARROW, MULTIPLICITY } from './notation.js';
import type { Change, ErdAttribute, ErdEntity, ErdIndex, ErdModel, ErdRelationship } from './types.js';

/**
 * Font of the DOT output. Graphviz in WebAssembly has no fontconfig and sizes text from hard-coded metrics,
 * which exist only for Times, Courier and Helvetica/Arial; Helvetica it is. The SVG then asks for
 * "Helvetica,sans-Serif" and the PNG renderer maps that to the bundled DejaVu Sans Condensed, whose widths
 * are close to Helvetica's, so text fits its boxes everywhere.
 */
export const DOT_FONT = 'Helvetica';

const COLORS = {
  header: '#dce6f2',
  border: '#4a5a6a',
  muted: '#5f6b76',
  onlyLeft: '#f6d5d5',
  onlyRight: '#d3efd9',
  changed: '#fff1c2',
  edge: '#2f3b47',
  edgeLeft: '#b03030',
  edgeRight: '#2c7a3f',
} as const;

/**
 * Renders an ERD as Graphviz DOT: one HTML-label box per table, crow's-foot edges per foreign key. Tables
 * not linked to each other are packed in a grid (`pack`, `packmode=array_t`) instead of dot's default of
 * stacking every unconnected table in one column: eight tables with four unconnected ones went from
 * 1200 x 1960 pt to 1132 x 896 pt.
 */
export function renderDot(model: ErdModel): string {
  const lines = [
    `digraph ${quote(model.title)} {`,
    `  graph [rankdir=LR, fontname=${quote(DOT_FONT)}, fontsize=12, nodesep=0.5, ranksep=1.0, pad=0.3, pack=true, packmode="array_t", label=${quote(caption(model))}, labelloc=t];`,
    `  node [shape=plain, fontname=${quote(DOT_FONT)}, fontsize=11];`,
    `  edge [fontname=${quote(DOT_FONT)}, fontsize=10, color=${quote(COLORS.edge)}, penwidth=1.2, arrowsize=1.1];`,
  ];
  for (const entity of model.entities)
    lines.push(`  ${quote(entity.name)} [label=<${entityLabel(entity, model)}>];`);
  // Several foreign keys to one parent column leave from the same port: one multiplicity label there is
  // enough (two drawn on the same spot read as "11"); a different one is turned aside instead.
  const tailLabels = new Map<string, string[]>();
  for (const rel of model.relationships) {
    const port = `${rel.parent}.${rel.parentColumns[0] ?? ''}`;
    const label = MULTIPLICITY[rel.parentCardinality];
    const seen = tailLabels.get(port) ?? [];
    const tail = seen.includes(label) ? 'none' : seen.length === 0 ? 'plain' : 'aside';
    tailLabels.set(port, [...seen, label]);
    lines.push(`  ${edge(rel, model, tail)};`);
  }
  if (model.compared && listDifferences(model).length > 0) lines.push(`  ${legend(model.compared)}`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function caption(model: ErdModel): string {
  if (!model.compared) return model.title;
  const { left, right } = model.compared;
  return listDifferences(model).length > 0
    ? `${left} vs ${right} (differences highlighted)`
    : `${left} and ${right}: the same schema`;
}

function entityLabel(entity: ErdEntity, model: ErdModel): string {
  const bg = background(entity.change) ?? COLORS.header;
  const side = sideNote(entity.change, model);
  const rows = [
    `<TR><TD COLSPAN="4" BGCOLOR="${bg}" CELLPADDING="6"><B>${html(entity.name)}</B>${side ? `<BR/><FONT POINT-SIZE="9">${html(side)}</FONT>` : ''}</TD></TR>`,
    ...entity.attributes.map((a) => attributeRow(a, model)),
    ...entity.indexes.map((ix) => indexRow(ix, model)),
  ];
  return `<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" COLOR="${COLORS.border}">${rows.join('')}</TABLE>`;
}

function attributeRow(a: ErdAttribute, model: ErdModel): string {
  const bg = background(a.change);
  const attr = bg ? ` BGCOLOR="${bg}"` : '';
  const name = a.keys.includes('PK') ? `<U>${html(a.name)}</U>` : html(a.name);
  const shown = shortType(a.type);
  const type =
    a.change?.kind === 'changed' && model.compared
      ? `${html(model.compared.left)}: ${html(a.change.left)}<BR ALIGN="LEFT"/>${html(model.compared.right)}: ${html(a.change.right)}`
      : html(shown);
  const side = sideNote(a.change, model);
  return (
    `<TR><TD ALIGN="LEFT" PORT="${html(`${a.name}.w`)}"${attr}>${muted(a.keys.join(' '))}</TD>` +
    `<TD ALIGN="LEFT"${attr}>${name}</TD>` +
    `<TD ALIGN="LEFT"${attr}${shown === a.type ? '' : ` TITLE="${html(a.type)}"`}>${type}${side ? ` (${html(side)})` : ''}${gap(shown)}</TD>` +
    `<TD ALIGN="LEFT" PORT="${html(`${a.name}.e`)}"${attr}>${muted(a.nullable ? 'NULL' : 'NOT NULL', 9)}</TD></TR>`
  );
}

function indexRow(ix: ErdIndex, model: ErdModel): string {
  const bg = background(ix.change);
  const side = sideNote(ix.change, model);
  const text = `${ix.unique ? 'unique' : 'index'} ${ix.name} (${ix.columns.join(', ')})${side ? ` (${side})` : ''}`;
  return `<TR><TD COLSPAN="4" ALIGN="LEFT"${bg ? ` BGCOLOR="${bg}"` : ''}>${muted(text, 9)}</TD></TR>`;
}

function edge(rel: ErdRelationship, model: ErdModel, tail: 'plain' | 'aside' | 'none'): string {
  // parent -> child keeps parents left of children in the LR layout; the tail end is the parent's.
  const attrs: string[] = [
    'dir=both',
    `arrowtail=${GRAPHVIZ_ARROW[rel.parentCardinality]}`,
    `arrowhead=${GRAPHVIZ_ARROW[rel.childCardinality]}`,
    ...(tail === 'none' ? [] : [`taillabel=${quote(MULTIPLICITY[rel.parentCardinality])}`]),
    `headlabel=${quote(MULTIPLICITY[rel.childCardinality])}`,
    // Labels off the line and the crow's foot, so a "1" never sits on its own edge: 45° at 1.8 × the default
    // distance left no label on any line of Sakila's 16 tables (test/erd/readable-erd.test.ts), where 30°
    // at 2.6 left three.
    'labeldistance=1.8',
    `labelangle=${tail === 'aside' ? -45 : 45}`,
    `tooltip=${quote(`${rel.name}: ${rel.child}(${rel.childColumns.join(', ')}) references ${rel.parent}(${rel.parentColumns.join(', ')})`)}`,
  ];
  if (!rel.identifying) attrs.push('style=dashed');
  if (rel.change?.kind === 'only-left') attrs.push(`color=${quote(COLORS.edgeLeft)}`, 'penwidth=2');
  if (rel.change?.kind === 'only-right') attrs.push(`color=${quote(COLORS.edgeRight)}`, 'penwidth=2');
  if (rel.change?.kind === 'changed' && model.compared) {
    attrs.push(
      `label=${quote(`${model.compared.left}: ${rel.change.left}\n${model.compared.right}: ${rel.change.right}`)}`,
    );
  }
  // Ports sit on the outer cells of the column's row, so edges leave and enter at the box edges.
  const from = `${quote(rel.parent)}:${quote(`${rel.parentColumns[0] ?? ''}.e`)}:e`;
  const to = `${quote(rel.child)}:${quote(`${rel.childColumns[0] ?? ''}.w`)}:w`;
  return `${from} -> ${to} [${attrs.join(', ')}]`;
}

function legend(sides: NonNullable<ErdModel['compared']>): string {
  const row = (bg: string, text: string) => `<TR><TD BGCOLOR="${bg}" ALIGN="LEFT">${html(text)}</TD></TR>`;
  const rows = [
    row(COLORS.onlyLeft, `only on ${sides.left}`),
    row(COLORS.onlyRight, `only on ${sides.right}`),
    row(COLORS.changed, 'different on the two'),
  ].join('');
  return `"legend" [label=<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" COLOR="${COLORS.border}"><TR><TD><B>legend</B></TD></TR>${rows}</TABLE>>];`;
}

/** Longest type text drawn in full; a longer ENUM/SET list is cut with "…" (the full type is its tooltip). */
export const MAX_TYPE_CHARS = 56;

/** The type as drawn: long value lists of ENUM/SET columns would make their table twice as wide. */
export function shortType(type: string): string {
  return type.length <= MAX_TYPE_CHARS ? type : `${type.slice(0, MAX_TYPE_CHARS - 2)}…)`;
}

/**
 * Trailing no-break spaces after a type. Graphviz sizes the cell with Helvetica's metrics and the PNG draws
 * DejaVu Sans Condensed, a few percent wider on long runs of letters and quotes: without the slack a long
 * enum ran into its NOT NULL. About one space per 12 characters covers that difference.
 */
function gap(type: string): string {
  return '&#160;'.repeat(1 + Math.ceil(type.length / 12));
}

/** Grey text; Graphviz rejects an empty FONT element, so empty text stays bare. */
function muted(text: string, size?: number): string {
  if (text === '') return '';
  return `<FONT COLOR="${COLORS.muted}"${size === undefined ? '' : ` POINT-SIZE="${size}"`}>${html(text)}</FONT>`;
}

function background(change: Change | undefined): string | undefined {
  if (change === undefined) return undefined;
  if (change.kind === 'only-left') return COLORS.onlyLeft;
  if (change.kind === 'only-right') return COLORS.onlyRight;
  return COLORS.changed;
}

function sideNote(change: Change | undefined, model: ErdModel): string | undefined {
  if (!model.compared || change === undefined || change.kind === 'changed') return undefined;
  return `only on ${change.kind === 'only-left' ? model.compared.left : model.compared.right}`;
}

/** A DOT double-quoted string. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Text inside an HTML-like label. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
