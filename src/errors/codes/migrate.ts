import { defineCodes } from './types.js';

/** Migration engine errors (`carepool migrate …`, `carepool schema …`). */
export const migrateCodes = defineCodes({
  CAREPOOL_MIGRATE_INVALID_OPERATION: {
    exit: 2,
    http: 400,
    title:
      'A migration operation refers to a table, column, index or key that does not exist at that point, or to an invalid name.',
    hint: 'Fix the migration file named in the message; run `carepool migrate history` to see the chain order.',
  },
  CAREPOOL_MIGRATE_UNSUPPORTED_CHANGE: {
    exit: 2,
    http: 400,
    title: 'Autogenerate met a change it cannot express as operations (e.g. a primary key change).',
    hint: 'Write this step by hand with op.sql(...) (with its down), then run `carepool migrate check`.',
  },
  CAREPOOL_MIGRATE_IRREVERSIBLE: {
    exit: 1,
    http: 409,
    title: 'A raw SQL operation has no `down`, so it cannot be undone.',
    hint: 'Give the op.sql(...) call a `down`, or resolve by hand and use `carepool migrate resolve --mark-applied`.',
  },
  CAREPOOL_MIGRATE_INVALID_FILE: {
    exit: 2,
    http: 500,
    title: 'A file in migrations/ is not a valid migration module, or two migrations share an id.',
    hint: 'Each file must `export default { id, parents, message, up: (op) => [...], down: (op) => [...] }` with a unique id.',
  },
  CAREPOOL_MIGRATE_UNKNOWN_REVISION: {
    exit: 2,
    http: 404,
    title: 'A revision named on the command line or recorded in a database is not in migrations/.',
    hint: 'Run `carepool migrate history` for the known revisions; a database ahead of your checkout needs the newer files.',
  },
  CAREPOOL_MIGRATE_MULTIPLE_HEADS: {
    exit: 1,
    http: 409,
    title: 'The migration graph has more than one head, so "head" is ambiguous.',
    hint: 'Join them with `carepool migrate merge -m "merge"`, or name the head to upgrade to (or use "heads").',
  },
  CAREPOOL_MIGRATE_CHECKSUM_MISMATCH: {
    exit: 1,
    http: 409,
    title: 'A migration that is already applied was edited after it ran (its checksum changed).',
    hint: 'Restore the file as it was applied and put the change in a new revision; if the edit is cosmetic, re-record it with `carepool migrate stamp REV --force`.',
  },
  CAREPOOL_MIGRATE_LOCKED: {
    exit: 1,
    http: 409,
    title: 'Another migration holds the target’s migration lock (GET_LOCK) and did not release it in time.',
    hint: 'Wait for the run shown as the holder to finish; if it is stuck, KILL that connection id as an admin (the lock is released with the session).',
  },
  CAREPOOL_MIGRATE_GALERA_UNSAFE: {
    exit: 1,
    http: 409,
    title:
      'The target is a Galera cluster and the migration would not replicate safely: a non-InnoDB table, a table without a primary key, or DDL outside Total Order Isolation.',
    hint: "Convert each named table to InnoDB and give it a primary key (the message says how), then run the migration again. Run carepool doctor --target <name> for the cluster's other checks.",
  },
  CAREPOOL_MIGRATE_LOCK_FAILED: {
    exit: 1,
    http: 500,
    title: 'GET_LOCK returned an error (NULL) or the lock was lost during the run.',
    hint: 'Check the connection to the target (failover drops session locks) and run the command again; the journal keeps the progress.',
  },
  CAREPOOL_MIGRATE_INCOMPLETE: {
    exit: 1,
    http: 409,
    title: 'A revision was left half-applied (its statement journal has entries) and must be resolved first.',
    hint: 'Run `carepool migrate resolve --target T` to see it, then `--resume`, `--mark-applied` or `--revert`.',
  },
  CAREPOOL_MIGRATE_STATEMENT_FAILED: {
    exit: 1,
    http: 500,
    title:
      'A migration statement failed; the statements before it stay applied (MySQL DDL is not transactional) and are journaled.',
    hint: 'Read the server error, then `carepool migrate resolve --target T --revert` (undo the applied statements) or fix and `--resume`.',
  },
  CAREPOOL_MIGRATE_DESTRUCTIVE: {
    exit: 1,
    http: 409,
    title:
      'The plan drops or narrows data (drop table/column, narrower type, NOT NULL over NULLs) and was refused.',
    hint: 'Review the statements with `carepool migrate plan`; back up, then run again with --allow-destructive.',
  },
  CAREPOOL_MIGRATE_STAMP_MISMATCH: {
    exit: 1,
    http: 409,
    title: 'The live schema does not match the revision being stamped, so it was not adopted.',
    hint: 'Look at the differences listed; align the database (or pick the matching revision), or use `stamp --force` if you are sure.',
  },
  CAREPOOL_MIGRATE_NOTHING_TO_RESOLVE: {
    exit: 1,
    http: 409,
    title: 'resolve was asked to act but no revision is half-applied on that target.',
    hint: 'Nothing to do; `carepool migrate current` shows the applied revisions.',
  },
});
