import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { liveScript } from '../views/live-script.js';
import { serveAssets } from './static.js';

/** The live page's script and the uPlot files it draws with, by URL. */
export const LIVE_ASSETS = {
  script: '/static/live.js',
  uplotScript: '/static/uplot.iife.min.js',
  uplotStyle: '/static/uplot.min.css',
} as const;

/**
 * Serves `/static/live.js` and uPlot's script and stylesheet, read once from the installed `uplot` package
 * (node_modules, MIT): same-origin files, so the page's CSP (`'self'` only) allows them and nothing is
 * fetched from elsewhere at run time. ETags let browsers revalidate cheaply.
 */
export function registerLiveAssets(app: FastifyInstance): void {
  const require = createRequire(import.meta.url);
  const file = (name: string) => readFileSync(require.resolve(`uplot/dist/${name}`), 'utf8');
  const js = 'text/javascript; charset=utf-8';
  serveAssets(app, [
    { path: LIVE_ASSETS.script, type: js, body: liveScript },
    { path: LIVE_ASSETS.uplotScript, type: js, body: file('uPlot.iife.min.js') },
    { path: LIVE_ASSETS.uplotStyle, type: 'text/css; charset=utf-8', body: file('uPlot.min.css') },
  ]);
}
