import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validationError } from '../../clinic/index.js';

/** The largest value of a signed INT column (every id column). */
const INT_MAX = 2_147_483_647;
/** Decimal digits only: no `0x10`, `1e1`, `+1`, ` 1`. */
const DIGITS = /^[0-9]{1,10}$/;

type SchemaNode = {
  readonly type?: unknown;
  readonly minProperties?: number;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
};

/** The JSON types a schema node allows (`integer` also matches whole JSON numbers). */
function typesOf(node: SchemaNode | undefined): readonly string[] {
  const type = node?.type;
  return typeof type === 'string' ? [type] : Array.isArray(type) ? (type as string[]) : [];
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** A path parameter that names a row: `id`, or anything ending in `Id`/`_id`. */
const isIdParam = (name: string) => name === 'id' || /(Id|_id)$/.test(name);

/**
 * Strict input at the HTTP edge, before schema validation (whose type coercion turns `0x10` into 16, `true`
 * into "true" and drops unknown keys): every id in an API path is decimal digits within INT range (pages
 * check theirs themselves and answer 404);
 * whole-number query parameters are decimal digits; a JSON body's fields have exactly the JSON type their
 * schema declares (no coercion) and a body with unknown fields is refused, naming the allowed ones. Each
 * problem is a 400 CAREPOOL_VALIDATION naming the field.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const fields = problems(request);
    done(Object.keys(fields).length > 0 ? validationError(fields) : undefined);
  });
}

function problems(request: FastifyRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  // Pages parse their ids just as strictly (page-helpers.ts `idParam`) but answer a 404 page naming what was
  // asked for ("there is no patient "0x10""), which reads better in a browser than a validation error.
  const api = (request.routeOptions.url ?? '').startsWith('/api/');
  const params = (api ? (request.params ?? {}) : {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (!isIdParam(name) || typeof value !== 'string') continue;
    if (!DIGITS.test(value) || Number(value) < 1 || Number(value) > INT_MAX)
      fields[name] = `${name} must be a whole number from 1 to ${INT_MAX}, in decimal digits`;
  }
  const schema = request.routeOptions.schema as { querystring?: SchemaNode; body?: SchemaNode } | undefined;
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const [name, node] of Object.entries(schema?.querystring?.properties ?? {})) {
    const value = query[name];
    if (typesOf(node).includes('integer') && typeof value === 'string' && !/^[0-9]{1,16}$/.test(value))
      fields[name] = `${name} must be a whole number in decimal digits`;
  }
  const bodySchema = schema?.body;
  const body = request.body;
  if (bodySchema?.properties && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const allowed = bodySchema.properties;
    const unknown = Object.keys(body).filter((k) => !(k in allowed));
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      const types = typesOf(allowed[name]);
      if (types.length === 0) continue;
      const type = jsonTypeOf(value);
      if (!types.includes(type) && !(type === 'integer' && types.includes('number')))
        fields[name] =
          `${name} must be ${types.map((t) => (t === 'null' ? 'null' : `a JSON ${t}`)).join(' or ')}`;
    }
    if (Object.keys(body).length === 0 && (bodySchema.minProperties ?? 0) > 0)
      fields['(body)'] = `send at least one field to change: ${Object.keys(allowed).join(', ')}`;
    if (unknown.length > 0)
      fields['(body)'] = `unknown field${unknown.length > 1 ? 's' : ''} ${unknown
        .map((k) => JSON.stringify(k.slice(0, 64)))
        .slice(0, 10)
        .join(', ')}; allowed: ${Object.keys(allowed).join(', ')}`;
  }
  return fields;
}
