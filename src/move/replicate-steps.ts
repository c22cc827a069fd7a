/**
 * The replication set-ups carepool does not carry out itself, as exact steps to run by hand: an Azure
 * Database for MySQL Flexible Server or a Cloud SQL for MySQL instance as the replica, and MySQL ↔ MariaDB
 * in either direction. None of them can be tested here (no cloud, no MySQL server on this machine);
 * sources: /work/shared/research/move-and-sync.md §3 and the vendor pages it cites.
 */

/** What the steps need to know about one side. */
export interface StepSide {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly flavor: 'mysql' | 'mariadb';
  readonly database: string;
}

/** The position a copy recorded (docs/move.md, copy step 5). */
export interface StepPosition {
  readonly gtid: string | null;
  readonly file: string | null;
  readonly pos: number | null;
}

/** Which managed service a host belongs to, from its name. */
export function cloudOf(host: string): 'azure' | 'cloudsql' | 'self' {
  if (/\.mysql\.database\.azure\.com$/i.test(host)) return 'azure';
  // Cloud SQL has no host name of its own: a public or private IP, or the Auth Proxy on loopback.
  if (/\.(sql\.goog|cloudsql\.|googleusercontent\.com)$/i.test(host)) return 'cloudsql';
  return 'self';
}

const USER = (from: StepSide) => [
  `-- 1. On ${from.name} (the source), a replication user (use your own password):`,
  `CREATE USER 'carepool_repl'@'%' IDENTIFIED BY '<password>' REQUIRE SSL;`,
  `GRANT REPLICATION SLAVE ON *.* TO 'carepool_repl'@'%';`,
];

const position = (p: StepPosition) =>
  p.file !== null && p.pos !== null ? { file: p.file, pos: p.pos } : { file: '<binlog file>', pos: '<position>' };

/**
 * The exact remaining steps for replication `from` → `to` when carepool cannot run it (anything but
 * MariaDB → MariaDB), or null when `carepool replicate start` does it itself.
 */
export function replicationSteps(
  from: StepSide,
  to: StepSide,
  at: StepPosition,
  cloud: 'azure' | 'cloudsql' | 'self' = cloudOf(to.host),
): string[] | null {
  if (from.flavor === 'mariadb' && to.flavor === 'mariadb') return null;
  const p = position(at);
  const mixed = from.flavor !== to.flavor;
  const out: string[] = [
    `# Replication ${from.name} (${from.flavor}) → ${to.name} (${to.flavor}${cloud === 'self' ? '' : `, ${cloud === 'azure' ? 'Azure Flexible Server' : 'Cloud SQL'}`}): not carried out by carepool; run these by hand.`,
    '# Not tested here: no cloud and no MySQL server can run on this machine.',
  ];
  if (mixed)
    out.push(
      '# MariaDB and MySQL GTIDs do not mix: the replica follows a binary log file and position, not GTIDs.',
    );
  if (cloud === 'cloudsql') {
    if (from.flavor === 'mariadb') {
      out.push(
        '# Cloud SQL replicates from another cloud only with MySQL GTIDs, which a MariaDB source has not:',
        '# replication into Cloud SQL is not possible. Move with carepool copy, then carepool verify/sync',
        `# during a short write stop on ${from.name}.`,
      );
      return out;
    }
    out.push(
      ...USER(from),
      `GRANT EXECUTE, SELECT, SHOW VIEW, REPLICATION CLIENT, RELOAD ON *.* TO 'carepool_repl'@'%';`,
      `-- 2. Cloud SQL replicates into a NEW instance: create a source representation instance for ${from.host}:${from.port}`,
      '--    and a replica of it (cloud.google.com/sql/docs/mysql/replication/replication-from-external),',
      '--    with GTID-based managed import; the copy carepool made is not reused.',
      `-- 3. Point the application at the new instance after its cutover (carepool cutover needs MariaDB).`,
    );
    return out;
  }
  out.push(...USER(from));
  if (cloud === 'azure') {
    out.push(
      `-- 2. On ${to.name} (Azure Flexible Server), as the admin user; the last argument is the CA's PEM text:`,
      mixed || at.gtid === null
        ? `CALL mysql.az_replication_change_master('${from.host}', 'carepool_repl', '<password>', ${from.port}, '${p.file}', ${p.pos}, '<CA PEM of ${from.name}>');`
        : `CALL mysql.az_replication_change_master_with_gtid('${from.host}', 'carepool_repl', '<password>', ${from.port}, '<CA PEM of ${from.name}>');`,
      'CALL mysql.az_replication_start;',
      'SHOW REPLICA STATUS;',
      '-- lower_case_table_names must match the source (Azure defaults to 1); the source keeps its binary logs',
      '-- until the replica applied them.',
    );
    return out;
  }
  if (to.flavor === 'mysql') {
    out.push(
      `-- 2. On ${to.name} (MySQL), from the position the copy recorded:`,
      `CHANGE REPLICATION SOURCE TO SOURCE_HOST='${from.host}', SOURCE_PORT=${from.port}, SOURCE_USER='carepool_repl',`,
      `  SOURCE_PASSWORD='<password>', SOURCE_LOG_FILE='${p.file}', SOURCE_LOG_POS=${p.pos}, SOURCE_SSL=1,`,
      `  SOURCE_SSL_CA='<CA file of ${from.name}>', SOURCE_SSL_VERIFY_SERVER_CERT=1, SOURCE_AUTO_POSITION=0;`,
      `CHANGE REPLICATION FILTER REPLICATE_DO_DB = (${to.database});`,
      'START REPLICA;',
    );
    return out;
  }
  out.push(
    `-- 2. On ${to.name} (MariaDB), from the position the copy recorded (MASTER_USE_GTID=no):`,
    `CHANGE MASTER 'carepool' TO MASTER_HOST='${from.host}', MASTER_PORT=${from.port}, MASTER_USER='carepool_repl',`,
    `  MASTER_PASSWORD='<password>', MASTER_LOG_FILE='${p.file}', MASTER_LOG_POS=${p.pos}, MASTER_USE_GTID=no,`,
    `  MASTER_SSL=1, MASTER_SSL_CA='<CA file of ${from.name}>', MASTER_SSL_VERIFY_SERVER_CERT=1;`,
    `SET GLOBAL carepool.replicate_do_db = '${to.database}';`,
    "START SLAVE 'carepool';",
    '-- A MySQL 8.0 source needs MariaDB 10.6.21 / 10.11.11 or later, binlog_row_value_options="",',
    '-- binlog_transaction_compression=0, a mysql_native_password user, and no JSON columns.',
  );
  return out;
}
