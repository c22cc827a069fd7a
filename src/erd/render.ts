import { renderDot } from './dot.js';
import { dotToSvg, type PngOptions, svgToPng } from './image.js';
import { renderMarkdown } from './markdown.js';
import { renderMermaid } from './mermaid.js';
import type { ErdModel } from './types.js';

/** Output formats of `carepool erd`. */
export const ERD_FORMATS = ['svg', 'png', 'mermaid', 'dot', 'md'] as const;

/** One of {@link ERD_FORMATS}. */
export type ErdFormat = (typeof ERD_FORMATS)[number];

/** True when `value` names an ERD format. */
export function isErdFormat(value: string): value is ErdFormat {
  return (ERD_FORMATS as readonly string[]).includes(value);
}

/** A rendered diagram: text for svg/mermaid/dot/md, bytes for png. */
export type RenderedErd =
  | {
      readonly format: Exclude<ErdFormat, 'png'>;
      readonly mediaType: string;
      readonly extension: string;
      readonly content: string;
    }
  | {
      readonly format: 'png';
      readonly mediaType: 'image/png';
      readonly extension: 'png';
      readonly content: Uint8Array;
    };

const TEXT_TYPES = {
  svg: { mediaType: 'image/svg+xml', extension: 'svg' },
  mermaid: { mediaType: 'text/vnd.mermaid; charset=utf-8', extension: 'mmd' },
  dot: { mediaType: 'text/vnd.graphviz; charset=utf-8', extension: 'dot' },
  md: { mediaType: 'text/markdown; charset=utf-8', extension: 'md' },
} as const satisfies Record<Exclude<ErdFormat, 'png'>, { mediaType: string; extension: string }>;

/** Renders a model in one format. SVG and PNG load their renderers lazily on first use. */
export async function renderErd(
  model: ErdModel,
  format: ErdFormat,
  options: PngOptions = {},
): Promise<RenderedErd> {
  switch (format) {
    case 'png':
      return {
        format,
        mediaType: 'image/png',
        extension: 'png',
        content: await svgToPng(await dotToSvg(renderDot(model)), options),
      };
    case 'svg':
      return { format, ...TEXT_TYPES.svg, content: await dotToSvg(renderDot(model)) };
    case 'mermaid':
      return { format, ...TEXT_TYPES.mermaid, content: renderMermaid(model) };
    case 'dot':
      return { format, ...TEXT_TYPES.dot, content: renderDot(model) };
    case 'md':
      return { format, ...TEXT_TYPES.md, content: renderMarkdown(model) };
    default:
      return assertNever(format);
  }
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled ERD format ${String(value)}`);
}
