import type { Target } from '../db/targets.js';
import { introspectSchema } from '../migrate/introspect/index.js';
import type { NamedSchema } from './index.js';

/**
 * The I/O edge of the ERD: reads the live schema of each target through its pool with the migration
 * engine's introspection (one batch of information_schema queries, MySQL/MariaDB normalised), so the ERD
 * and `migrate check` always agree on what a database contains. The rest of src/erd is pure.
 */
export async function readTargetSchemas(targets: readonly Target[]): Promise<NamedSchema[]> {
  return Promise.all(
    targets.map(async (t) => ({
      name: t.name,
      schema: await introspectSchema(t.sql, t.config.url.database),
    })),
  );
}
