/**
 * Graphviz places each multiplicity label ("1", "0..*") next to its own edge end and looks neither at the
 * labels nor at the lines of other edges, so on a larger schema a label can land on another label ("0..*"
 * over "0..*") or on a line. This moves such labels after layout: from the top down, a label that overlaps
 * a label above it, or has a line through it, moves down (or, when that does not clear it, up) in small
 * steps until it is clear. Boxes are estimated generously from the font size (0.6 em per character, from
 * 0.95 em above the baseline to 0.25 em below), so fonts that draw a little wider still clear.
 */
interface Label {
  readonly line: number;
  readonly x: number;
  y: number;
  readonly width: number;
  readonly size: number;
}

type Point = readonly [number, number];

const TEXT = /^<text [^>]*?x="(-?[\d.]+)" y="(-?[\d.]+)"[^>]*?font-size="([\d.]+)"[^>]*>([^<]*)<\/text>$/;

/** Points along a Graphviz edge path (`M x,y C x1,y1 x2,y2 x3,y3 …`), 20 per cubic segment. */
export function pathPoints(d: string): Point[] {
  const nums = (d.match(/-?[\d.]+/g) ?? []).map(Number);
  const pts: Point[] = [];
  for (let i = 0; i + 1 < nums.length; i += 2) pts.push([nums[i] ?? 0, nums[i + 1] ?? 0]);
  const out: Point[] = [];
  for (let s = 0; s + 3 < pts.length; s += 3) {
    const [p0, p1, p2, p3] = [pts[s], pts[s + 1], pts[s + 2], pts[s + 3]] as [Point, Point, Point, Point];
    for (let k = 0; k <= 20; k++) {
      const t = k / 20;
      const u = 1 - t;
      const b = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t] as const;
      out.push([
        b[0] * p0[0] + b[1] * p1[0] + b[2] * p2[0] + b[3] * p3[0],
        b[0] * p0[1] + b[1] * p1[1] + b[2] * p2[1] + b[3] * p3[1],
      ]);
    }
  }
  return out;
}

const top = (l: Label) => l.y - 0.95 * l.size;
const bottom = (l: Label) => l.y + 0.25 * l.size;

function clashes(label: Label, placed: readonly Label[], points: readonly Point[]): boolean {
  const half = label.width / 2 + 1;
  const onLine = points.some(
    ([x, y]) => Math.abs(x - label.x) < half && y > top(label) - 1 && y < bottom(label) + 1,
  );
  return (
    onLine ||
    placed.some(
      (o) =>
        Math.abs(label.x - o.x) < (label.width + o.width) / 2 &&
        top(label) < bottom(o) &&
        top(o) < bottom(label),
    )
  );
}

/**
 * Moves edge labels in `lines` (Graphviz SVG, one element per line) off each other and off the edges whose
 * points are given, in place. A label that no step of up to two lines' height clears stays where it was.
 */
export function separateEdgeLabels(
  lines: string[],
  labelLines: readonly number[],
  points: readonly Point[],
): void {
  const labels: Label[] = [];
  for (const line of labelLines) {
    const m = TEXT.exec(lines[line] ?? '');
    if (!m) continue;
    const size = Number(m[3]);
    const chars = [...(m[4] ?? '').replace(/&[a-z#0-9]+;/g, '_')].length;
    labels.push({ line, x: Number(m[1]), y: Number(m[2]), width: chars * 0.6 * size, size });
  }
  labels.sort((a, b) => a.y - b.y || a.x - b.x);
  const placed: Label[] = [];
  for (const label of labels) {
    const home = label.y;
    const step = label.size / 4;
    for (let k = 1; k <= 8 && clashes(label, placed, points); k++) {
      label.y = home + k * step;
      if (!clashes(label, placed, points)) break;
      label.y = home - k * step;
    }
    if (clashes(label, placed, points)) label.y = home;
    placed.push(label);
    if (label.y !== home) {
      lines[label.line] = (lines[label.line] ?? '').replace(/ y="-?[\d.]+"/, ` y="${label.y.toFixed(2)}"`);
    }
  }
}
