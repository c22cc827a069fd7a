/**
 * The ERD capability: schema → entity-relationship model → DOT, Mermaid, Markdown, SVG or PNG. Pure apart
 * from the lazily loaded renderers and ./live.ts, which reads live schemas of targets.
 *
 * Typical use (CLI and web): `renderErd(erdFor(await readTargetSchemas(targets)), 'svg')`, or
 * `erdFor([{ name: 'models', schema: models }])` for the TypeScript models.
 */
import type { Schema } from '../schema/index.js';
import { buildErdModel } from './build-model.js';
import { compareErdModels } from './compare.js';
import type { ErdModel } from './types.js';

export { buildErdModel } from './build-model.js';
export { formatColumnType, formatDefault } from './column-type.js';
export { compareErdModels, hasDifferences, listDifferences } from './compare.js';
export { DOT_FONT, renderDot } from './dot.js';
export { type PngFonts, pngFonts } from './fonts.js';
export { dotToSvg, type PngOptions, svgToPng } from './image.js';
export { INTERNAL_PREFIX, internalCount, isInternalTable, withoutInternal } from './internal.js';
export { readTargetSchemas } from './live.js';
export { renderMarkdown } from './markdown.js';
export { mermaidType, renderMermaid } from './mermaid.js';
export { GRAPHVIZ_ARROW, MERMAID_LEFT, MERMAID_RIGHT, MULTIPLICITY } from './notation.js';
export { ERD_FORMATS, type ErdFormat, isErdFormat, type RenderedErd, renderErd } from './render.js';
export type {
  Cardinality,
  Change,
  ErdAttribute,
  ErdEntity,
  ErdIndex,
  ErdModel,
  ErdRelationship,
  KeyMarker,
} from './types.js';

/** A schema with the name it is shown under (a target name, or "models"). */
export interface NamedSchema {
  readonly name: string;
  readonly schema: Schema;
}

/**
 * The diagram of one schema, or of two merged with their differences highlighted (`erd --target azure,gcp`).
 * Callers reject more than two.
 */
export function erdFor(schemas: readonly [NamedSchema] | readonly [NamedSchema, NamedSchema]): ErdModel {
  const [first, second] = schemas;
  const left = buildErdModel(first.schema, first.name);
  return second === undefined ? left : compareErdModels(left, buildErdModel(second.schema, second.name));
}
