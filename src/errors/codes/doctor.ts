import { defineCodes } from './types.js';

/**
 * Diagnoses of `carepool doctor`. The doctor reports findings instead of throwing; a finding that is a
 * problem carries one of these codes (or a CAREPOOL_DB_* code for a failed connection), a cause and a fix.
 */
export const doctorCodes = defineCodes({
  CAREPOOL_DOCTOR_NO_GREETING: {
    exit: 1,
    http: 503,
    title: 'Something accepted the TCP connection but sent no MySQL greeting within the connect timeout.',
    hint: 'Check the port: it may belong to another service, or a proxy that cannot reach its database (Cloud SQL Auth Proxy not authorised, a stuck gateway).',
  },
  CAREPOOL_DOCTOR_NOT_MYSQL: {
    exit: 1,
    http: 503,
    title: 'The port answered, but not with the MySQL protocol.',
    hint: 'Point the URL at the MySQL port (3306 on Azure and Cloud SQL), not a web or SSH port.',
  },
  CAREPOOL_DOCTOR_TLS_NOT_OFFERED: {
    exit: 1,
    http: 503,
    title: 'The ssl-mode needs TLS but the server does not offer it.',
    hint: 'Enable TLS on the server (ssl-cert/ssl-key), or connect through the provider connector/proxy; lower ssl-mode only for a local test server.',
  },
  CAREPOOL_DOCTOR_TLS_UNTRUSTED: {
    exit: 1,
    http: 503,
    title: 'The server certificate does not chain to the CA given in ssl-ca (or the system roots).',
    hint: 'Point ssl-ca at the CA that signed the server certificate (Azure: DigiCert Global Root G2 + Microsoft RSA Root CA 2017; Cloud SQL: the instance server-ca.pem).',
  },
  CAREPOOL_DOCTOR_TLS_HOSTNAME: {
    exit: 1,
    http: 503,
    title: 'The server certificate does not name the host in the URL (ssl-mode=VERIFY_IDENTITY).',
    hint: 'Connect with a host name printed on the certificate, or use ssl-mode=VERIFY_CA (Cloud SQL certificates name project:instance, not the IP).',
  },
  CAREPOOL_DOCTOR_TLS_EXPIRED: {
    exit: 1,
    http: 503,
    title: 'The server certificate has expired or is not valid yet.',
    hint: 'Rotate the server certificate (managed clouds do this themselves; check the client clock too).',
  },
  CAREPOOL_DOCTOR_TLS_EXPIRING: {
    exit: 1,
    http: 503,
    title: 'The server certificate expires within 30 days.',
    hint: 'Plan the certificate rotation and make sure ssl-ca also trusts the new issuing CA.',
  },
  CAREPOOL_DOCTOR_PLAINTEXT: {
    exit: 1,
    http: 503,
    title:
      'The application connects without TLS although the server offers it: patient data crosses the network unencrypted.',
    hint: 'Use ssl-mode=VERIFY_IDENTITY (or VERIFY_CA) with ssl-ca in the target URL.',
  },
  CAREPOOL_DOCTOR_INSECURE_TRANSPORT_ALLOWED: {
    exit: 1,
    http: 500,
    title: 'The server accepts unencrypted connections (require_secure_transport=OFF).',
    hint: 'Turn require_secure_transport ON (Azure default) or set Cloud SQL SSL mode ENCRYPTED_ONLY.',
  },
  CAREPOOL_DOCTOR_MISSING_GRANTS: {
    exit: 1,
    http: 500,
    title: 'The application user lacks SELECT/INSERT/UPDATE/DELETE on the database.',
    hint: 'As an admin: GRANT SELECT, INSERT, UPDATE, DELETE ON <db>.* TO <user>@<host>.',
  },
  CAREPOOL_DOCTOR_APP_USER_DDL: {
    exit: 1,
    http: 500,
    title: 'The application user can change the schema (DDL privileges).',
    hint: 'Give the app user DML only and run migrations as a separate migrator user (CAREPOOL_TARGET_<NAME>_MIGRATE_URL).',
  },
  CAREPOOL_DOCTOR_MAX_CONNECTIONS: {
    exit: 1,
    http: 500,
    title: 'Pool max × app instances does not fit in the server max_connections.',
    hint: 'Lower CAREPOOL_POOL_MAX or the number of instances, or raise max_connections (Azure: up to 2x the SKU default).',
  },
  CAREPOOL_DOCTOR_WAIT_TIMEOUT: {
    exit: 1,
    http: 500,
    title:
      'The pool keeps idle connections longer than the server wait_timeout, so the server closes them first.',
    hint: 'Set CAREPOOL_IDLE_TIMEOUT_MS below wait_timeout (in ms), with margin.',
  },
  CAREPOOL_DOCTOR_SQL_MODE: {
    exit: 1,
    http: 500,
    title: 'sql_mode is not strict: bad values are silently truncated or zeroed instead of rejected.',
    hint: 'Add STRICT_TRANS_TABLES to the server sql_mode (a server parameter on Azure, a database flag on Cloud SQL).',
  },
  CAREPOOL_DOCTOR_TIME_ZONE: {
    exit: 1,
    http: 500,
    title: 'The server time zone is not UTC, so NOW() and TIMESTAMP values differ between targets.',
    hint: 'Set time_zone to +00:00 (Azure server parameter time_zone, Cloud SQL flag default_time_zone).',
  },
  CAREPOOL_DOCTOR_CHARSET: {
    exit: 1,
    http: 500,
    title:
      'The server or database character set is not utf8mb4: names with some letters or emoji fail or are mangled.',
    hint: 'ALTER DATABASE <db> CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci, and set character_set_server=utf8mb4.',
  },
  CAREPOOL_DOCTOR_SETTINGS_DIFFER: {
    exit: 1,
    http: 500,
    title: 'A setting that changes query results differs between targets.',
    hint: 'Align the server parameters of the targets so the same schema behaves the same everywhere.',
  },
  CAREPOOL_DOCTOR_SERVER_VERSION: {
    exit: 1,
    http: 500,
    title: 'The server version is old or out of support.',
    hint: 'Upgrade to MySQL 8.0/8.4 (Azure and Cloud SQL offer in-place major version upgrades).',
  },
  CAREPOOL_DOCTOR_MIGRATIONS_BEHIND: {
    exit: 1,
    http: 500,
    title: 'The target is not at the latest migration revision.',
    hint: 'Run carepool migrate up --target <name>.',
  },
  CAREPOOL_DOCTOR_CHECK_CRASHED: {
    exit: 1,
    http: 500,
    title: 'A doctor check failed unexpectedly; the other checks still ran.',
    hint: 'This is a bug in carepool; please report it with the finding detail.',
  },
  CAREPOOL_DOCTOR_GALERA_NODE: {
    exit: 1,
    http: 502,
    title: 'A Galera node of the target is down, or not Synced and ready (joining, giving a state transfer).',
    hint: 'Start the node or wait until it is Synced; carepool sends it no traffic meanwhile. The finding says which node and why.',
  },
  CAREPOOL_DOCTOR_GALERA_QUORUM: {
    exit: 1,
    http: 502,
    title:
      'The Galera cluster lost or risks losing quorum: a node is not Primary, nodes are missing, the size is even, or the hosts form separate clusters.',
    hint: 'Bring missing nodes back, run an odd number of nodes, and bootstrap a fully stopped cluster from its most advanced node.',
  },
  CAREPOOL_DOCTOR_GALERA_FLOW_CONTROL: {
    exit: 1,
    http: 502,
    title: 'Galera flow control paused replication for a large share of the time: one slow node throttles every write.',
    hint: 'Find the node with the largest wsrep_local_recv_queue and give it resources, or raise wsrep_slave_threads.',
  },
  CAREPOOL_DOCTOR_BUSY: {
    exit: 1,
    http: 503,
    title:
      'The web doctor is already checking other targets; it runs one check at a time so reloads cannot pile up connections.',
    hint: 'Retry after the Retry-After delay, or ask for the same targets as the running check to share its report.',
  },
});
