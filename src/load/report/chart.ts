/*
 * Why the report's charts are drawn here and not by a charting library: every chart is a handful of line
 * series over one x axis (seconds, or pool sizes), and the same SVG must become a PNG on a server with no
 * browser and no native build (resvg, png.ts). Vega-Lite → SVG → resvg would be the library route that fits
 * those limits; it was weighed for issue 15 and not taken in that session for lack of time, not on the
 * merits: it adds about 2 MB of dependencies for charts that already have axes with units, gridlines, a
 * legend, phase bands and an Okabe-Ito palette (see lineChart). Revisit if the report needs chart types
 * beyond lines (stacked areas, histograms).
 */

/** One line of a chart. */
export interface Series {
  readonly label: string;
  readonly color: string;
  /** [x, y] points; y null leaves a gap. */
  readonly points: readonly (readonly [number, number | null])[];
  readonly dashed?: boolean;
}

/** A shaded stretch of the x axis (a scenario phase). */
export interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

/** What {@link lineChart} draws. */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly bands?: readonly Band[];
  /** Draw the x values as categories (sweep pool sizes) rather than a continuous axis. */
  readonly categories?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** A colour-blind-safe palette (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round tick step for a span: 1, 2 or 5 × 10^k, about `count` ticks. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000 ? `${Math.round(v / 100) / 10}k` : `${Math.round(v * 100) / 100}`;

/**
 * A self-contained SVG line chart (axes, ticks, legend, optional phase bands), text in `sans-serif` so the
 * PNG renderer can map it to the bundled font. Pure: same data, same bytes.
 */
export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 760;
  const H = spec.height ?? 300;
  const m = { top: 34, right: 16, bottom: 62, left: 62 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]).filter((v): v is number => v !== null));
  const cats = spec.categories ? [...new Set(xs)].sort((a, b) => a - b) : [];
  const xMin = spec.categories ? 0 : Math.min(0, ...xs);
  const xMax = spec.categories ? Math.max(1, cats.length - 1) : Math.max(1, ...xs);
  const yStep = niceStep(Math.max(...ys, 1));
  const yMax = Math.max(yStep, Math.ceil(Math.max(...ys, 1) / yStep) * yStep);
  const X = (x: number) => {
    const v = spec.categories ? cats.indexOf(x) : x;
    return m.left + ((v - xMin) / (xMax - xMin || 1)) * pw;
  };
  const Y = (y: number) => m.top + ph - (y / yMax) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12" role="img" aria-label="${esc(spec.title)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="20" font-size="14" font-weight="bold" fill="#222">${esc(spec.title)}</text>`,
  );
  for (const [i, b] of (spec.bands ?? []).entries()) {
    const x1 = X(b.from);
    const x2 = X(b.to);
    out.push(
      `<rect x="${r(x1)}" y="${m.top}" width="${r(Math.max(0, x2 - x1))}" height="${ph}" fill="${i % 2 === 0 ? '#f1efe8' : '#e6f0f5'}"/>`,
      `<text x="${r(x1 + 3)}" y="${m.top + 12}" font-size="10" fill="#777">${esc(b.label)}</text>`,
    );
  }
  for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${r(Y(y))}" y2="${r(Y(y))}" stroke="#e3e3e3"/>`,
      `<text x="${m.left - 6}" y="${r(Y(y) + 4)}" text-anchor="end" fill="#555">${fmt(y)}</text>`,
    );
  }
  const xTicks = spec.categories ? cats : ticks(xMin, xMax);
  for (const x of xTicks) {
    out.push(`<text x="${r(X(x))}" y="${m.top + ph + 16}" text-anchor="middle" fill="#555">${fmt(x)}</text>`);
  }
  out.push(
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#999"/>`,
    `<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#999"/>`,
    `<text x="${m.left + pw / 2}" y="${m.top + ph + 32}" text-anchor="middle" fill="#333">${esc(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(spec.yLabel)}</text>`,
  );
  for (const s of spec.series) {
    const d = path(s.points, X, Y);
    if (d) {
      out.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    if (spec.categories) {
      for (const [x, y] of s.points) {
        if (y !== null) out.push(`<circle cx="${r(X(x))}" cy="${r(Y(y))}" r="3.5" fill="${s.color}"/>`);
      }
    }
  }
  let lx = m.left;
  const ly = H - 12;
  for (const s of spec.series) {
    out.push(
      `<line x1="${r(lx)}" x2="${r(lx + 18)}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${r(lx + 22)}" y="${ly}" fill="#333">${esc(s.label)}</text>`,
    );
    lx += 30 + s.label.length * 6.5;
  }
  out.push('</svg>');
  return out.join('\n');
}

function ticks(min: number, max: number): number[] {
  const step = niceStep(max - min, 8);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step)
    out.push(Math.round(v * 1000) / 1000);
  return out;
}

function path(
  points: readonly (readonly [number, number | null])[],
  X: (x: number) => number,
  Y: (y: number) => number,
): string {
  let d = '';
  let pen = false;
  for (const [x, y] of points) {
    if (y === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${r(X(x))} ${r(Y(y))} `;
    pen = true;
  }
  return d.trim();
}

const r = (v: number) => Math.round(v * 10) / 10;
