import { AppError } from '../../errors/index.js';

/** The elements Graphviz writes for an ERD; anything else (script, foreignObject, style, image) is refused. */
const ELEMENTS = new Set(['svg', 'g', 'title', 'polygon', 'polyline', 'path', 'ellipse', 'text', 'a']);

/**
 * The attributes kept. Links (`href`, `xlink:href`), event handlers (`on*`) and `style` are dropped: the ERD
 * never needs them, and table or column names from the database must never become active content.
 */
const ATTRIBUTES = new Set([
  'width',
  'height',
  'viewBox',
  'xmlns',
  'xmlns:xlink',
  'id',
  'class',
  'transform',
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linejoin',
  // The white halo behind multiplicity labels (src/erd/image.ts).
  'paint-order',
  'points',
  'd',
  'cx',
  'cy',
  'rx',
  'ry',
  'x',
  'y',
  'xml:space',
  'text-anchor',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-decoration',
  'xlink:title',
]);

const OPEN_TAG = /^<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>$/;
const CLOSE_TAG = /^<\/([a-zA-Z][\w:-]*)\s*>$/;
const ATTRIBUTE = /\s+([\w:-]+)="([^"<>]*)"/g;

/**
 * Makes Graphviz's SVG safe to inline in a page or serve as a file: drops the XML prolog, doctype and
 * comments (Graphviz writes node names into comments), keeps only {@link ELEMENTS} with allow-listed
 * attributes, and rebuilds every tag, so nothing but shapes and escaped text reach the browser. Graphviz
 * escapes `<`, `>`, `&` and quotes in names, so text never contains markup; anything that does not parse
 * as the expected well-formed SVG is refused (CAREPOOL_ERD_RENDER_FAILED) rather than repaired.
 */
export function sanitizeSvg(svg: string): string {
  const start = svg.search(/<svg[\s>]/);
  if (start < 0) refuse('no <svg> element');
  const body = svg.slice(start).replace(/<!--[\s\S]*?-->/g, '');
  const out: string[] = [];
  const open: string[] = [];
  for (const [token] of body.matchAll(/<[^>]*>|[^<]+/g)) {
    if (!token.startsWith('<')) {
      // Text: Graphviz escaped it; outside the root element only whitespace may remain.
      if (open.length > 0) out.push(token);
      else if (token.trim() !== '') refuse('text after the root element');
      continue;
    }
    const close = CLOSE_TAG.exec(token);
    if (close) {
      if (open.pop() !== close[1]) refuse(`unbalanced </${close[1]}>`);
      out.push(`</${close[1]}>`);
      continue;
    }
    const tag = OPEN_TAG.exec(token);
    const name = tag?.[1];
    if (!tag || name === undefined) refuse(`unreadable tag ${JSON.stringify(token.slice(0, 40))}`);
    if (!ELEMENTS.has(name)) refuse(`element <${name}> is not allowed`);
    if (open.length === 0 && (name !== 'svg' || out.length > 0)) refuse('more than one root element');
    const attrs = [...(tag[2] ?? '').matchAll(ATTRIBUTE)]
      .filter(([, key]) => key !== undefined && ATTRIBUTES.has(key))
      .map(([, key, value]) => ` ${key}="${value ?? ''}"`)
      .join('');
    const selfClosing = tag[3] === '/';
    out.push(`<${name}${attrs}${selfClosing ? '/' : ''}>`);
    if (!selfClosing) open.push(name);
  }
  if (open.length > 0 || out.length === 0) refuse('the SVG is truncated');
  return `${out.join('').trim()}\n`;
}

function refuse(why: string): never {
  throw new AppError('CAREPOOL_ERD_RENDER_FAILED', `the rendered SVG was refused: ${why}`, {
    meta: { stage: 'sanitize' },
  });
}
