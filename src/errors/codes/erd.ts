import { defineCodes } from './types.js';

/** ERD rendering (`carepool erd`, the web ERD page). */
export const erdCodes = defineCodes({
  CAREPOOL_ERD_RENDER_FAILED: {
    exit: 1,
    http: 500,
    title: 'The diagram could not be rendered (Graphviz layout or SVG → PNG rasterising failed).',
    hint: 'Try --format dot or --format mermaid, which need no renderer; if SVG/PNG keep failing, reinstall dependencies (npm ci) so @viz-js/viz and @resvg/resvg-js match this platform.',
  },
  CAREPOOL_ERD_EMPTY_SCHEMA: {
    exit: 1,
    http: 404,
    title: 'The target database has no tables to draw.',
    hint: 'Apply the migrations first (carepool migrate up --target <name>), or draw the models with carepool erd --models.',
  },
});
