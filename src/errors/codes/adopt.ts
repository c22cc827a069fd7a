import { defineCodes } from './types.js';

/**
 * Errors of schema adoption: workspaces (scratch databases), schema sources, revision prefixes, baseline,
 * tracked objects (views, triggers, routines) and kill-safe resolve.
 */
export const adoptCodes = defineCodes({
  CAREPOOL_MIGRATE_WORKSPACE_DENIED: {
    exit: 1,
    http: 403,
    title:
      'carepool could not create its scratch database (workspace) on the server: the user lacks CREATE/DROP on `_carepool_ws_%` databases.',
    hint: "Grant it once as an admin: GRANT ALL ON `\\_carepool\\_ws\\_%`.* TO 'migrator'@'%'; or start the sandbox (`carepool sandbox start`) so a sandbox server of the same flavor and version is used instead.",
  },
  CAREPOOL_MIGRATE_WORKSPACE_NOT_EMPTY: {
    exit: 1,
    http: 409,
    title:
      'A workspace database holds rows, so carepool refused to use or drop it (a workspace only ever holds empty tables).',
    hint: 'Look at the database named in the message; if it is yours, rename it (carepool only touches names starting with _carepool_ws_), otherwise drop it by hand.',
  },
  CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER: {
    exit: 2,
    http: 400,
    title:
      'No server of the flavor and version a workspace needs is reachable (no matching target or sandbox server).',
    hint: 'Pass --server with a flavor:version one of your targets or sandbox servers runs (listed in the message), or start the sandbox.',
  },
  CAREPOOL_MIGRATE_WORKSPACE_FAILED: {
    exit: 1,
    http: 422,
    title: 'A statement failed while loading a schema into a workspace (scratch database).',
    hint: 'The message names the file and statement and quotes the server error; fix the SQL and run again.',
  },
  CAREPOOL_SCHEMA_UNKNOWN_SOURCE: {
    exit: 2,
    http: 400,
    title:
      'A schema source named on the command line is neither a target, `models`, `chain`, nor a .sql file or directory.',
    hint: 'Use a configured target name, `models` (with --models PATH for your own), `chain` (with --dir), or a path to a .sql file or a directory of .sql files.',
  },
  CAREPOOL_SCHEMA_SQL_MANY_DATABASES: {
    exit: 2,
    http: 400,
    title:
      'A .sql schema source names more than one database (USE, CREATE/DROP/ALTER DATABASE): a source is one schema, loaded into one scratch database.',
    hint: 'Split the file into one source per database (one file or directory each), or remove the USE and CREATE/DROP DATABASE lines of the databases you do not mean.',
  },
  CAREPOOL_SCHEMA_SQL_OTHER_DATABASE: {
    exit: 2,
    http: 400,
    title:
      'A .sql schema source qualifies a name with another database of the server it is loaded on (`clinic.patients`): run as written it would change that database, so nothing is run.',
    hint: 'Remove the database qualifiers (a source is loaded into a scratch database of its own), or begin the file with `USE <that database>;` so its qualifiers point at the scratch database.',
  },
  CAREPOOL_SCHEMA_MODELS_INVALID: {
    exit: 2,
    http: 400,
    title:
      'The models module given by --models / CAREPOOL_MODELS could not be loaded or does not export a schema.',
    hint: 'The module must `export default` (or `export const models =`) a schema `{ tables: [...] }` built with carepool’s builders, or export Drizzle mysql-core tables (`export const t = mysqlTable(...)`, docs/migrations.md "Drizzle schemas").',
  },
  CAREPOOL_MIGRATE_AMBIGUOUS_REVISION: {
    exit: 2,
    http: 400,
    title: 'A revision prefix matches more than one revision.',
    hint: 'Type more characters of the revision id; the candidates are listed in the message.',
  },
  CAREPOOL_MIGRATE_BASELINE_EXISTS: {
    exit: 2,
    http: 409,
    title:
      'migrate baseline was asked to write a first revision, but the migrations folder already has revisions.',
    hint: 'Baseline is for bringing an existing database under migrations in an empty folder; otherwise stamp it with `carepool migrate stamp REV`, or pass --dir with a new folder.',
  },
  CAREPOOL_MIGRATE_SQL_NOT_RERUNNABLE: {
    exit: 1,
    http: 409,
    title:
      'A raw op.sql step of a half-applied revision may or may not have landed, and it has no landed-check, so it is never re-run blindly.',
    hint: 'Give the op.sql(...) call a `landed` query (SQL returning a row when the step took effect), or check by hand and run `carepool migrate resolve --mark-applied` (or --revert).',
  },
  CAREPOOL_MIGRATE_STATEMENT_RUNNING: {
    exit: 1,
    http: 409,
    title:
      'A dead run’s statement is still executing on the server (seen in the processlist), so resolve cannot act yet.',
    hint: 'Run `carepool migrate resolve --target T --wait` to wait for it to finish, or `--kill` to stop it (the server then rolls it back).',
  },
  CAREPOOL_SCHEMA_UNSUPPORTED_OBJECT: {
    exit: 1,
    http: 422,
    title:
      'A view, trigger or routine could not be read or rendered faithfully, so no DDL is generated for it.',
    hint: 'The message names the object and the reason; manage it by hand with op.sql(...) until carepool supports it.',
  },
});
