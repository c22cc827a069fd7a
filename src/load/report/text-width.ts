/**
 * Text widths for Vega's layout in Node. Without a canvas Vega guesses 0.8 em per character, which is far
 * wider than real text, so legends and titles get cut with an ellipsis long before they reach the edge.
 * These are DejaVu Sans advance widths (the font png.ts draws with; most Linux browsers' sans-serif) in em,
 * rounded; characters not listed count as an average glyph. Vega documents `textMetrics.width` as the place
 * for such a function (vl-convert does the same).
 */
const EM: Readonly<Record<string, number>> = {
  ' ': 0.32,
  a: 0.61,
  b: 0.63,
  c: 0.55,
  d: 0.63,
  e: 0.62,
  f: 0.35,
  g: 0.63,
  h: 0.63,
  i: 0.28,
  j: 0.28,
  k: 0.58,
  l: 0.28,
  m: 0.97,
  n: 0.63,
  o: 0.61,
  p: 0.63,
  q: 0.63,
  r: 0.41,
  s: 0.52,
  t: 0.39,
  u: 0.63,
  v: 0.59,
  w: 0.82,
  x: 0.59,
  y: 0.59,
  z: 0.53,
  '.': 0.32,
  ',': 0.32,
  ':': 0.34,
  ';': 0.34,
  '(': 0.39,
  ')': 0.39,
  '/': 0.34,
  '-': 0.36,
  _: 0.5,
  '%': 0.95,
  '…': 1,
  '·': 0.32,
};
const DIGIT = 0.64;
const UPPER = 0.7;
const OTHER = 0.65;

/** The width in px of `text` at `fontSize` px; bold text is about 8 % wider. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    em += EM[ch] ?? (/\d/.test(ch) ? DIGIT : /[A-Z]/.test(ch) ? UPPER : OTHER);
  }
  return em * fontSize * (bold ? 1.08 : 1);
}

/** What Vega passes to `textMetrics.width`: a scenegraph item with its font settings. */
interface TextItem {
  readonly fontSize?: number;
  readonly fontWeight?: string | number;
  readonly text?: unknown;
}

/** A `textMetrics.width` for Vega: `(item, text) => px`. */
export function vegaTextWidth(item: TextItem, text?: unknown): number {
  const value = text ?? item.text;
  const s = Array.isArray(value) ? value.map(String).join(' ') : value == null ? '' : String(value);
  const size = typeof item.fontSize === 'number' ? item.fontSize : 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  return textWidth(s, size, bold);
}
