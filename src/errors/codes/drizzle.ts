import { defineCodes } from './types.js';

/** Errors of Drizzle schemas given as models modules (src/migrate/sources/drizzle.ts). */
export const drizzleCodes = defineCodes({
  CAREPOOL_DRIZZLE_UNSUPPORTED: {
    exit: 2,
    http: 400,
    title:
      "A Drizzle mysql-core table in the models module says something carepool's table model cannot represent exactly (the message names each table, column and feature), so the module is refused rather than read as a neighbouring schema.",
    hint: 'Change the named definitions to a form listed in docs/migrations.md ("Drizzle schemas"), or describe those tables with carepool\'s own builders (src/schema/builders.ts) in a separate models module.',
  },
  CAREPOOL_DRIZZLE_MIXED: {
    exit: 2,
    http: 400,
    title:
      'The models module exports both a carepool schema ({ tables: [...] }) and Drizzle mysql-core tables, so it is not clear which one is the desired schema.',
    hint: 'Export one kind per module: either carepool tables (default/models/schema export) or Drizzle tables (named exports of mysqlTable(...)).',
  },
});
