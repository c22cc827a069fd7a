import { createHash } from 'node:crypto';
import {
  dotToSvg,
  type ErdFormat,
  type ErdModel,
  type RenderedErd,
  renderDot,
  renderErd,
  svgToPng,
} from '../../erd/index.js';
import { sanitizeSvg } from '../views/safe-svg.js';

/** A rendered diagram with an ETag derived from what it shows. SVG is always sanitised ({@link sanitizeSvg}). */
export type ErdFile = RenderedErd & { readonly etag: string };

/** How many SVG/PNG renderings {@link ErdCache} keeps (a PNG of the sandbox schema is ~450 KB). */
export const ERD_CACHE_SIZE = 16;

/**
 * Renders ERDs for the web app, keeping recent SVG and PNG renderings. Measured on the sandbox schema:
 * Mermaid, DOT and Markdown take under 1 ms, SVG ~10 ms (~110 ms on the first call, which loads Graphviz),
 * PNG ~250 ms of blocking native work. The cache is keyed by the DOT text, which is a pure function of the
 * model and fully determines the SVG and PNG: a schema change gives a new key, so the cache is never stale
 * and needs no expiry. Concurrent requests for the same diagram share one rendering.
 */
export class ErdCache {
  readonly #entries = new Map<string, Promise<ErdFile>>();
  readonly #max: number;

  constructor(max = ERD_CACHE_SIZE) {
    this.#max = max;
  }

  /** The diagram of `model` in `format`. */
  async render(model: ErdModel, format: ErdFormat): Promise<ErdFile> {
    if (format !== 'svg' && format !== 'png') {
      const rendered = await renderErd(model, format);
      return { ...rendered, etag: etagOf(format, rendered.content) };
    }
    const dot = renderDot(model);
    const key = `${format}:${hash(dot)}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const pending = renderImage(dot, format, etagOf(format, dot));
    this.#entries.set(key, pending);
    pending.catch(() => this.#entries.delete(key));
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(oldest);
    }
    return pending;
  }

  /** Renderings held (for tests). */
  get size(): number {
    return this.#entries.size;
  }
}

async function renderImage(dot: string, format: 'svg' | 'png', etag: string): Promise<ErdFile> {
  const svg = await dotToSvg(dot);
  if (format === 'png') {
    return { format, mediaType: 'image/png', extension: 'png', content: await svgToPng(svg), etag };
  }
  return { format, mediaType: 'image/svg+xml', extension: 'svg', content: sanitizeSvg(svg), etag };
}

function hash(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('base64url').slice(0, 27);
}

function etagOf(format: ErdFormat, content: string | Uint8Array): string {
  return `"erd-${format}-${hash(content)}"`;
}
