import { defineCodes } from './types.js';

/** Moving data between targets: `carepool copy`, `verify` and `sync`. */
export const moveCodes = defineCodes({
  CAREPOOL_MOVE_SAME_TARGET: {
    exit: 2,
    http: 400,
    title: 'The source and the destination are the same target (or the same database on the same server).',
    hint: 'Name two different targets: carepool copy --from azure --to gcp (carepool targets lists them).',
  },
  CAREPOOL_MOVE_OPTION_INVALID: {
    exit: 2,
    http: 400,
    title: 'A move option is out of range or cannot be combined with the others.',
    hint: 'Use at most one of --truncate and --append; --parallel is 1-16; --tables is a comma list of table names.',
  },
  CAREPOOL_MOVE_UNKNOWN_TABLE: {
    exit: 2,
    http: 400,
    title: 'A table named in --tables (or --append-only) does not exist on the source or is not compared.',
    hint: 'Check the spelling against the source (carepool schema show --target <from>), or leave out --tables to move every table.',
  },
  CAREPOOL_MOVE_APPEND_ONLY_KEY: {
    exit: 2,
    http: 400,
    title:
      'A table to merge as an append-only log is not numbered by one AUTO_INCREMENT primary key on both targets.',
    hint: 'Append-only merging appends rows under ids the destination assigns; compare a table with another key by that key (leave it out of --append-only).',
  },
  CAREPOOL_MOVE_TARGET_NOT_EMPTY: {
    exit: 2,
    http: 409,
    title:
      'The destination already has rows in a table to copy; copy refuses to mix them with the source rows.',
    hint: 'Add --truncate to empty those tables on the destination first, or --append to keep their rows (a primary key present on both sides then fails the copy); carepool verify shows how the two differ.',
  },
  CAREPOOL_MOVE_BINLOG_SKIP_REFUSED: {
    exit: 1,
    http: 409,
    title:
      'copy --skip-binlog was refused: the destination has replicas or Galera peers that must receive the rows through its binary log, replicas could not be ruled out, or the user may not turn its session binary log off.',
    hint: 'Copy without --skip-binlog (the rows then reach its replicas). To skip it on a stand-alone server, connect as a user with BINLOG ADMIN (MariaDB 10.5.2+) or SUPER (SYSTEM_VARIABLES_ADMIN on MySQL 8) that may also run SHOW SLAVE HOSTS (REPLICATION MASTER ADMIN / REPLICATION SLAVE).',
  },
  CAREPOOL_MOVE_SCHEMA_MISMATCH: {
    exit: 1,
    http: 409,
    title:
      'A table exists on both targets with different columns or primary keys, so rows cannot be moved or compared as they are.',
    hint: 'Bring both targets to the same schema first (carepool migrate up --target all, or carepool migrate diff to see how they differ), then run the command again.',
  },
  CAREPOOL_MOVE_UNREPRESENTABLE: {
    exit: 1,
    http: 422,
    title:
      'The source and destination are different server flavours and a table uses something the schema model cannot carry across.',
    hint: 'Create the named tables on the destination by hand (or change the column types to ones both flavours share), then run copy again: it copies rows into existing tables.',
  },
  CAREPOOL_MOVE_NO_PRIMARY_KEY: {
    exit: 1,
    http: 422,
    title: 'A table has no primary key, so its rows cannot be compared or repaired one by one.',
    hint: 'Add a primary key to the table (carepool migrate), or leave it out with --tables; carepool copy still copies such tables, in one stream.',
  },
  CAREPOOL_MOVE_MANIFEST_INVALID: {
    exit: 2,
    http: 400,
    title:
      'The copy manifest to resume from is missing, unreadable, or was written for other targets or tables.',
    hint: 'Run the same copy command as before with --resume (same --from, --to, --tables), point --manifest at its file, or start afresh without --resume (with --truncate when rows were already copied).',
  },
  CAREPOOL_MOVE_ROWS_LOST: {
    exit: 1,
    http: 500,
    title:
      'The destination kept fewer rows of a chunk than copy sent (a key already present there, or a concurrent writer).',
    hint: 'Stop other writers on the destination; with --append the destination held a row with a key the source also has: run carepool verify to list them, or copy again with --truncate.',
  },
  CAREPOOL_MOVE_REPLICATION_PREFLIGHT: {
    exit: 1,
    http: 409,
    title:
      'Server replication between the two targets cannot start: a preflight check failed (each is named with its fix).',
    hint: 'Fix what the message lists on the named server (binary log, ROW format, server ids, lower_case_table_names, primary keys), then run carepool replicate start again; carepool replicate preflight shows the checks alone.',
  },
  CAREPOOL_MOVE_REPLICATION_CA: {
    exit: 2,
    http: 409,
    title: "The replica cannot verify the source's TLS certificate: no CA file is known for the source.",
    hint: "Pass --source-ca FILE (a path the replica server can read), or put ssl-ca=FILE in the source target's URL; on the carepool sandbox the CA is found in the sandbox state.",
  },
});
