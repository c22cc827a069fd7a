/*
 * Why Vega-Lite (with Vega, BSD-3-Clause) for the report's charts: it is the declarative grammar the field
 * uses for exactly this kind of chart (Altair/Jupyter, Observable, the Vega editor), a chart is a JSON spec
 * built from data, and `vega.View.toSVG()` renders it in Node with no browser, no canvas and no native build
 * (renderer 'none'). resvg (png.ts) turns that SVG into the PNG; the HTML report embeds the same SVG. The
 * charts here are data-driven: a chart is a list of {@link Series}, so adding one (a replica's pool, say) is
 * one more entry, and the colour, dash and legend follow from the list. Licences: vega and vega-lite are
 * BSD-3-Clause, their d3 dependencies ISC, the rest MIT/BSD-style; nothing is downloaded at install or run.
 */
import type * as VegaModule from 'vega';
import type * as VegaLiteModule from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { vegaTextWidth } from './text-width.js';

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
  /** A second, smaller title line (what is measured, how often). */
  readonly subtitle?: string;
  /** The y values are counts: whole-number ticks only. */
  readonly integer?: boolean;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly bands?: readonly Band[];
  /** Draw the x values as categories (sweep pool sizes) rather than a continuous axis. */
  readonly categories?: boolean;
  /** Outer size in px, legend and title included. */
  readonly width?: number;
  readonly height?: number;
}

/** A colour-blind-safe palette (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

/** Default outer size: three charts side by side fit a 1280 px window at their natural size. */
export const CHART_SIZE = { width: 400, height: 290 } as const;

const FONT = 'sans-serif';

/**
 * The Vega-Lite spec of a line chart: one layer of shaded phase bands (with their labels), one of lines
 * (colour and dash per series, one legend below the plot), points too when x is categorical. Axes carry
 * their titles with units; every text is at least 11 px (legend and axis labels 12 px).
 */
export function lineSpec(spec: ChartSpec): TopLevelSpec {
  const labels = spec.series.map((s) => s.label);
  const width = spec.width ?? CHART_SIZE.width;
  const yMax = Math.max(0, ...spec.series.flatMap((s) => s.points.map((p) => p[1] ?? 0)));
  // Fewer legend columns as labels get longer, so none is cut: three, two, or one per line.
  const longest = Math.max(...labels.map((l) => l.length));
  const columns = Math.min(labels.length, longest > 20 ? 1 : longest > 12 ? 2 : 3);
  const rows = spec.series.flatMap((s) => s.points.map(([x, y]) => ({ series: s.label, x, y })));
  const xType = spec.categories ? ('ordinal' as const) : ('quantitative' as const);
  const x = {
    field: 'x',
    type: xType,
    title: spec.xLabel,
    ...(spec.categories ? { axis: { labelAngle: 0 } } : { scale: { nice: false, zero: true } }),
  };
  const bands = (spec.bands ?? []).map((b, i) => ({ ...b, shade: i % 2 }));
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [];
  if (bands.length > 0 && !spec.categories) {
    layers.push(
      {
        data: { values: bands },
        mark: { type: 'rect', opacity: 0.6 },
        encoding: {
          x: { field: 'from', type: 'quantitative' },
          x2: { field: 'to' },
          fill: {
            field: 'shade',
            type: 'nominal',
            scale: { domain: [0, 1], range: ['#f1efe8', '#e6f0f5'] },
            legend: null,
          },
        },
      },
      {
        data: { values: bands },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 11, color: '#666' },
        encoding: {
          x: { field: 'from', type: 'quantitative' },
          y: { value: 0 },
          text: { field: 'label' },
        },
      },
    );
  }
  const colour = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: labels, range: spec.series.map((s) => s.color) },
    legend: {
      orient: 'bottom' as const,
      direction: 'horizontal' as const,
      columns,
      // Line keys also when the lines carry points (categorical x), not filled circles.
      symbolType: 'stroke',
      symbolStrokeWidth: 3,
      labelLimit: Math.floor((width - 40) / Math.max(1, columns)) - 24,
    },
  };
  layers.push({
    data: { values: rows },
    mark: {
      type: 'line',
      strokeWidth: 2,
      point: spec.categories === true,
      invalid: 'break-paths-filter-domains',
    },
    encoding: {
      x,
      y: {
        field: 'y',
        type: 'quantitative',
        title: spec.yLabel,
        // An all-zero series (no errors) still gets a readable 0-1 axis rather than a collapsed one.
        scale: yMax > 0 ? { zero: true } : { domain: [0, 1] },
        axis: spec.integer ? { tickCount: 5, tickMinStep: 1, format: 'd' } : { tickCount: 5 },
      },
      color: colour,
      strokeDash: {
        field: 'series',
        type: 'nominal',
        title: null,
        // Same field, same (empty) title as the colour: Vega-Lite merges the two into one legend.
        scale: { domain: labels, range: spec.series.map((s) => (s.dashed ? [6, 4] : [1, 0])) },
      },
    },
  });
  return {
    // The title is limited to the chart's width (an ellipsis past it) so it never widens the chart.
    title: {
      text: spec.title,
      ...(spec.subtitle ? { subtitle: spec.subtitle, subtitleFontSize: 12, subtitleColor: '#555' } : {}),
      anchor: 'start',
      fontSize: 14,
      font: FONT,
      limit: width - 20,
    },
    width,
    height: spec.height ?? CHART_SIZE.height,
    autosize: { type: 'fit', contains: 'padding' },
    background: '#ffffff',
    config: {
      font: FONT,
      axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
      legend: { labelFontSize: 12, labelLimit: 260 },
      view: { stroke: '#bbb' },
    },
    layer: layers,
  };
}

type Vega = typeof VegaModule;
type VegaLite = typeof VegaLiteModule;
let engines: Promise<[Vega, VegaLite]> | undefined;

/**
 * A self-contained SVG line chart (title, axes with units, legend, optional phase bands), rendered by Vega
 * in Node. Text is in `sans-serif` so the PNG renderer maps it to the bundled font. Same data, same SVG.
 */
export async function lineChart(spec: ChartSpec): Promise<string> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]).then((loaded) => {
    // Real text widths (see text-width.ts) instead of Vega's 0.8 em per character without a canvas.
    // vega re-exports vega-scenegraph's textMetrics at run time; its typings leave it out.
    const metrics = (loaded[0] as unknown as { textMetrics: { width: typeof vegaTextWidth } }).textMetrics;
    metrics.width = vegaTextWidth;
    return loaded;
  });
  const [vega, vl] = await engines;
  // Warnings go nowhere: the CLI's --json output must stay clean (the specs are fixed and tested).
  const compiled = vl.compile(lineSpec(spec), { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return svg.replace('<svg ', `<svg role="img" aria-label="${esc(spec.title)}" `);
  } finally {
    view.finalize();
  }
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
