import { defineCodes } from './types.js';

/** Errors of the table model: tables carepool cannot represent exactly, changes that do not converge. */
export const schemaModelCodes = defineCodes({
  CAREPOOL_MIGRATE_UNSUPPORTED_TABLE: {
    exit: 2,
    http: 409,
    title:
      'A table differs between the two schemas, but carepool cannot represent it exactly (its SHOW CREATE TABLE is not what the model renders, or it is partitioned), so no DDL is generated for it.',
    hint: 'The message names each table with the first differing fragment. Change such tables by hand (op.sql with its down), or leave them out of the comparison with --exclude NAME (schema diff, schema dump, migrate revision --autogenerate, migrate baseline, migrate stamp, migrate check); docs/schema-model.md lists what is modelled.',
  },
  CAREPOOL_SCHEMA_DUMP_NOT_TEXT: {
    exit: 2,
    http: 409,
    title:
      "A table's SHOW CREATE TABLE holds bytes that are not UTF-8 (e.g. a BINARY column's default such as 0x00FF), which a text dump cannot carry: the server's text came back with replacement characters, and loading it would fail or set other bytes.",
    hint: 'Leave the table out with --exclude NAME and dump it with mysqldump --hex-blob, or give the column a default that is valid UTF-8 text.',
  },
  CAREPOOL_MIGRATE_NOT_CONVERGED: {
    exit: 2,
    http: 409,
    title:
      'The generated statements, replayed on a scratch copy of the affected tables, did not produce the desired schema (the re-diff was not empty), so they are refused.',
    hint: 'The message lists what still differs after replay. Write this step by hand (op.sql) and check it with `carepool migrate check`; please report the case.',
  },
});
