/**
 * Graphviz places each multiplicity label ("1", "0..*") next to its own edge end and does not look at the
 * labels of other edges, so two foreign keys entering neighbouring rows of one table can put their labels
 * on top of each other ("0..*" over "0..*"). This moves such labels apart after layout: from the top down,
 * a label whose box overlaps one above it moves down just far enough. Boxes are estimated generously from
 * the font size (0.6 em per character, 1.2 em tall), so the fonts that draw a little wider still clear.
 */
interface Label {
  readonly line: number;
  readonly x: number;
  y: number;
  readonly width: number;
  readonly height: number;
}

const ATTRS = /^<text [^>]*?x="(-?[\d.]+)" y="(-?[\d.]+)"[^>]*?font-size="([\d.]+)"[^>]*>([^<]*)<\/text>$/;

/** Moves overlapping edge labels apart in `lines` (Graphviz SVG, one element per line), in place. */
export function separateEdgeLabels(lines: string[], labelLines: readonly number[]): void {
  const labels: Label[] = [];
  for (const line of labelLines) {
    const m = ATTRS.exec(lines[line] ?? '');
    if (!m) continue;
    const size = Number(m[3]);
    const chars = [...(m[4] ?? '').replace(/&[a-z#0-9]+;/g, '_')].length;
    labels.push({ line, x: Number(m[1]), y: Number(m[2]), width: chars * 0.6 * size, height: 1.2 * size });
  }
  labels.sort((a, b) => a.y - b.y || a.x - b.x);
  for (const [i, label] of labels.entries()) {
    const before = labels.slice(0, i);
    let moved = true;
    while (moved) {
      moved = false;
      for (const other of before) {
        const across = Math.abs(label.x - other.x) < (label.width + other.width) / 2;
        const gap = label.y - other.y;
        if (across && gap < other.height && gap > -label.height) {
          label.y = other.y + other.height;
          moved = true;
        }
      }
    }
  }
  for (const label of labels) {
    lines[label.line] = (lines[label.line] ?? '').replace(/ y="-?[\d.]+"/, ` y="${label.y.toFixed(2)}"`);
  }
}
