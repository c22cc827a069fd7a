import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type ErdFormat,
  type ErdModel,
  erdFor,
  internalCount,
  listDifferences,
  type NamedSchema,
  readTargetSchemas,
  withoutInternal,
} from '../../erd/index.js';
import { AppError } from '../../errors/index.js';
import { models } from '../../schema/index.js';
import type {} from '../plugins/route-access.js';
import { downBanner } from '../views/layout-data.js';
import { ErdCache } from './erd-cache.js';
import { registerErdFonts } from './erd-fonts.js';
import { failPage, isUnavailable, type PageDeps, sendPage } from './page-helpers.js';

/** What a diagram shows: one live target, the TypeScript models, or two targets merged. */
type Subject =
  | { readonly kind: 'target'; readonly target: string }
  | { readonly kind: 'models' }
  | { readonly kind: 'compare'; readonly a: string; readonly b: string };

/** The downloads, by URL extension. */
export const ERD_DOWNLOADS = [
  { ext: 'png', format: 'png', label: 'PNG' },
  { ext: 'svg', format: 'svg', label: 'SVG' },
  { ext: 'mmd', format: 'mermaid', label: 'Mermaid' },
  { ext: 'dot', format: 'dot', label: 'DOT' },
  { ext: 'md', format: 'md', label: 'Markdown' },
] as const satisfies readonly { ext: string; format: ErdFormat; label: string }[];

const ACCESS = { access: 'ops:read' } as const;
const compareQuery = {
  type: 'object',
  properties: {
    a: { type: 'string', maxLength: 32 },
    b: { type: 'string', maxLength: 32 },
    internal: { type: 'string', maxLength: 1 },
  },
} as const;

type CompareQuery = { a?: string; b?: string; internal?: string };

/** `?internal=1` shows carepool's own carepool_* tables, hidden by default (they are not the clinical schema). */
function showsInternal(request: FastifyRequest): boolean {
  return (request.query as { internal?: unknown } | undefined)?.internal === '1';
}

/**
 * The ERD pages: `/targets/:target/erd` (the live schema), `/erd/models` (the TypeScript models) and
 * `/erd/compare?a=&b=` (two targets merged, differences highlighted and listed; default: the first two
 * targets), each with downloads at the same path plus `.png|.svg|.mmd|.dot|.md`. `/erd` opens the first
 * target's diagram. A down target gives its banner and a 503, never a 500.
 */
export function registerErdPages(app: FastifyInstance, deps: PageDeps): void {
  const cache = new ErdCache();
  registerErdFonts(app);
  const subjects: readonly {
    path: string;
    schema?: { querystring: typeof compareQuery };
    subject: (request: FastifyRequest) => Subject;
  }[] = [
    {
      path: '/targets/:target/erd',
      subject: (r) => ({ kind: 'target', target: deps.registry.get(paramTarget(r)).name }),
    },
    { path: '/erd/models', subject: () => ({ kind: 'models' }) },
    {
      path: '/erd/compare',
      schema: { querystring: compareQuery },
      subject: (r) => comparePair(deps, r.query as CompareQuery),
    },
  ];

  app.get('/erd', { schema: { hide: true }, config: ACCESS }, async (_request, reply) => {
    const first = deps.registry.names()[0];
    return reply.redirect(first === undefined ? '/erd/models' : `/targets/${first}/erd`, 303);
  });

  for (const { path, schema, subject } of subjects) {
    app.get(path, { schema: { hide: true, ...schema }, config: ACCESS }, async (request, reply) => {
      let s: Subject | undefined;
      try {
        s = subject(request);
        const internal = showsInternal(request);
        const full = await modelOf(deps, s);
        const model = internal ? full : withoutInternal(full);
        const svg = await cache.render(model, 'svg');
        return sendPage(reply, deps, 'erd', meta(s), {
          ...pageData(deps, s, model, { shown: internal, count: internalCount(full) }),
          svg: svg.content,
          error: null,
        });
      } catch (error) {
        if (s === undefined || !isUnavailable(error)) return failPage(request, reply, deps, error);
        const down = typeof error.meta.target === 'string' ? error.meta.target : describe(s);
        reply.header('retry-after', String(error.meta.retryAfterS ?? 1));
        const banners = [downBanner(down, error)];
        return sendPage(
          reply,
          deps,
          'erd',
          { ...meta(s), banners },
          { ...pageData(deps, s, null, { shown: false, count: 0 }), svg: '', error: error.toJSON() },
          503,
        );
      }
    });

    for (const d of ERD_DOWNLOADS) {
      app.get(
        `${path}.${d.ext}`,
        { schema: { hide: true, ...schema }, config: ACCESS },
        async (request, reply) => {
          try {
            const s = subject(request);
            const full = await modelOf(deps, s);
            const model = showsInternal(request) ? full : withoutInternal(full);
            const file = await cache.render(model, d.format);
            return sendDownload(request, reply, file, `carepool-erd-${slug(s)}.${d.ext}`);
          } catch (error) {
            return failPage(request, reply, deps, error);
          }
        },
      );
    }
  }
}

function paramTarget(request: FastifyRequest): string {
  return (request.params as { target: string }).target;
}

/** `?a=&b=` resolved to two different configured targets (default: the first two). */
function comparePair(deps: PageDeps, query: CompareQuery): Subject {
  const names = deps.registry.names();
  const a = query.a ? deps.registry.get(query.a).name : names[0];
  const b = query.b ? deps.registry.get(query.b).name : names.find((n) => n !== a);
  if (a === undefined || b === undefined || a === b) {
    throw new AppError('CAREPOOL_USAGE', 'comparing needs two different targets', {
      hint: `Choose two of: ${names.join(', ') || '(none configured)'}, e.g. /erd/compare?a=${names[0] ?? 'azure'}&b=${names[1] ?? 'gcp'}.`,
      meta: { targets: names },
    });
  }
  return { kind: 'compare', a, b };
}

async function modelOf(deps: PageDeps, s: Subject): Promise<ErdModel> {
  let model: ErdModel;
  if (s.kind === 'models') {
    model = erdFor([{ name: 'models', schema: models }]);
  } else {
    const names = s.kind === 'target' ? [s.target] : [s.a, s.b];
    const schemas = await readTargetSchemas(names.map((n) => deps.registry.get(n)));
    const [first, second] = schemas as [NamedSchema, NamedSchema?];
    model = erdFor(second === undefined ? [first] : [first, second]);
  }
  if (model.entities.length === 0) {
    throw new AppError('CAREPOOL_ERD_EMPTY_SCHEMA', `${describe(s)} has no tables to draw`, {
      meta: { subject: describe(s) },
    });
  }
  return model;
}

function describe(s: Subject): string {
  if (s.kind === 'target') return `target "${s.target}"`;
  return s.kind === 'models' ? 'the models' : `targets "${s.a}" and "${s.b}"`;
}

function slug(s: Subject): string {
  if (s.kind === 'target') return s.target;
  return s.kind === 'models' ? 'models' : `${s.a}-vs-${s.b}`;
}

function pagePath(s: Subject): { path: string; query: string } {
  if (s.kind === 'target') return { path: `/targets/${s.target}/erd`, query: '' };
  if (s.kind === 'models') return { path: '/erd/models', query: '' };
  return { path: '/erd/compare', query: `?a=${s.a}&b=${s.b}` };
}

function meta(s: Subject): { title: string; nav: string } {
  const title =
    s.kind === 'target' ? `ERD · ${s.target}` : s.kind === 'models' ? 'ERD · models' : 'ERD · compare';
  return { title, nav: 'erd' };
}

function pageData(
  deps: PageDeps,
  s: Subject,
  model: ErdModel | null,
  internal: { shown: boolean; count: number },
): Record<string, unknown> {
  const { path, query: base } = pagePath(s);
  const query = internal.shown ? `${base ? `${base}&` : '?'}internal=1` : base;
  const names = deps.registry.names();
  const tabs = [
    ...names.map((n) => ({
      href: `/targets/${n}/erd`,
      label: n,
      current: s.kind === 'target' && s.target === n,
    })),
    { href: '/erd/models', label: 'Models', current: s.kind === 'models' },
    ...(names.length >= 2 ? [{ href: '/erd/compare', label: 'Compare', current: s.kind === 'compare' }] : []),
  ];
  const tables = model?.entities.map((e) => e.name) ?? [];
  const heading =
    s.kind === 'target'
      ? `ERD of ${s.target}`
      : s.kind === 'models'
        ? 'ERD of the models'
        : `ERD: ${s.a} vs ${s.b}`;
  const lead =
    s.kind === 'target'
      ? `The live schema of target ${s.target}, read from information_schema just now.`
      : s.kind === 'models'
        ? 'The TypeScript models (src/schema): the schema every target reaches after carepool migrate up.'
        : `Both live schemas in one diagram, differences highlighted.`;
  return {
    heading,
    lead,
    tabs,
    compareForm: s.kind === 'compare' ? { a: s.a, b: s.b, names } : null,
    downloads: ERD_DOWNLOADS.map((d) => ({ href: `${path}.${d.ext}${query}`, label: d.label })),
    internal: {
      ...internal,
      href: internal.shown ? `${path}${base}` : `${path}${base ? `${base}&` : '?'}internal=1`,
    },
    compared: model?.compared ?? null,
    differences: model?.compared ? listDifferences(model) : null,
    alt: `Entity-relationship diagram of ${tables.length} tables: ${tables.join(', ')}`,
    caption: `${tables.length} tables, ${model?.relationships.length ?? 0} relationships. Crow's-foot notation; dashed edges are non-identifying foreign keys.`,
  };
}

function sendDownload(
  request: FastifyRequest,
  reply: FastifyReply,
  file: { mediaType: string; content: string | Uint8Array; etag: string },
  filename: string,
): FastifyReply {
  reply
    .header('etag', file.etag)
    .header('cache-control', 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    // An SVG opened directly is a document: it may not run or load anything.
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const body = typeof file.content === 'string' ? file.content : Buffer.from(file.content);
  return reply
    .type(file.mediaType)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body);
}
