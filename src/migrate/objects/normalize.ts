import type { SchemaObject } from '../../schema/objects.js';

/** A back-quoted or single-quoted identifier part, or a bare word. */
const PART = "(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\\s@`']+)";
const DEFINER = new RegExp(`\\s+DEFINER\\s*=\\s*${PART}\\s*@\\s*${PART}`, 'i');

/**
 * The CREATE text without its DEFINER clause (the server adds one for whoever ran the CREATE; carepool
 * renders without it unless asked, so a dump loads as any user allowed to create the object).
 */
export function stripDefiner(create: string): string {
  return create.replace(DEFINER, '');
}

/**
 * The text without `` `database`. `` qualifiers of the object's own database (MariaDB and MySQL qualify
 * every table in a stored view definition), so the object reads the same from any database it lives in.
 */
export function stripDatabase(text: string, database: string): string {
  const q = `\`${database.replaceAll('`', '``')}\`.`;
  return text.split(q).join('');
}

/** `user@host` → `` `user`@`host` `` for a DEFINER clause. */
export function definerClause(definer: string): string {
  const at = definer.lastIndexOf('@');
  const user = at < 0 ? definer : definer.slice(0, at);
  const host = at < 0 ? '%' : definer.slice(at + 1);
  return `DEFINER=\`${user.replaceAll('`', '``')}\`@\`${host.replaceAll('`', '``')}\``;
}

/**
 * Names among `candidates` that `create` mentions as a back-quoted identifier (how the server prints every
 * name in a view definition). Used for ordering only: a spurious edge can reorder, never change, a dump.
 */
export function mentions(create: string, self: string, candidates: readonly string[]): string[] {
  return candidates.filter((c) => c !== self && create.includes(`\`${c.replaceAll('`', '``')}\``));
}

const KIND_ORDER: Readonly<Record<SchemaObject['kind'], number>> = {
  function: 0,
  procedure: 1,
  view: 2,
  trigger: 3,
};

/** Objects sorted by kind (functions, procedures, views, triggers) and name: the Schema's order. */
export function sortObjects(objects: readonly SchemaObject[]): SchemaObject[] {
  return [...objects].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/**
 * Triggers in the order the server runs them: by table, timing and event, then position (ACTION_ORDER),
 * then name. Creating them in this order gives each the same position again (a new trigger goes last in
 * its slot), so a dump or a scratch copy keeps the order FOLLOWS/PRECEDES gave them.
 */
export function triggerOrder(triggers: readonly SchemaObject[]): SchemaObject[] {
  const key = (o: SchemaObject) => `${o.table ?? ''}\u0000${o.slot ?? ''}`;
  return [...triggers].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka !== kb) return ka < kb ? -1 : 1;
    const pa = a.position ?? Number.POSITIVE_INFINITY;
    const pb = b.position ?? Number.POSITIVE_INFINITY;
    return pa !== pb ? pa - pb : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/**
 * Views in dependency order (a view after the views it reads), others in {@link sortObjects} order:
 * functions and procedures first (a view may call a function), triggers last in {@link triggerOrder}.
 */
export function creationOrder(objects: readonly SchemaObject[]): SchemaObject[] {
  const sorted = sortObjects(objects);
  const views = new Map(sorted.filter((o) => o.kind === 'view').map((v) => [v.name, v]));
  const out: SchemaObject[] = [];
  const done = new Set<string>();
  const visit = (v: SchemaObject, path: Set<string>) => {
    if (done.has(v.name) || path.has(v.name)) return;
    path.add(v.name);
    for (const d of v.dependsOn ?? []) {
      const dep = views.get(d);
      if (dep) visit(dep, path);
    }
    done.add(v.name);
    out.push(v);
  };
  for (const v of views.values()) visit(v, new Set());
  return [
    ...sorted.filter((o) => o.kind === 'function' || o.kind === 'procedure'),
    ...out,
    ...triggerOrder(sorted.filter((o) => o.kind === 'trigger')),
  ];
}
