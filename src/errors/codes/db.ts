import { defineCodes } from './types.js';

/** Connection, pool and query errors raised at the db edge. */
export const dbCodes = defineCodes({
  CAREPOOL_DB_CONNECT_TIMEOUT: {
    exit: 1,
    http: 503,
    title: 'The server did not complete the connection handshake within the connect timeout.',
    hint: 'Check that the host and port are right and that a firewall/allowlist lets this machine in (Azure firewall rules, Cloud SQL authorized networks).',
  },
  CAREPOOL_DB_CONNECT_REFUSED: {
    exit: 1,
    http: 503,
    title: 'Nothing listens on the target host and port (ECONNREFUSED).',
    hint: 'Check the port in the URL and that the server is running; for the sandbox run: carepool sandbox start.',
  },
  CAREPOOL_DB_HOST_NOT_FOUND: {
    exit: 1,
    http: 503,
    title: 'The target host name does not resolve (ENOTFOUND).',
    hint: 'Check the host name in the URL (Azure: <server>.mysql.database.azure.com; Cloud SQL: the instance public IP).',
  },
  CAREPOOL_DB_CONNECTION_LOST: {
    exit: 1,
    http: 503,
    title: 'The connection to the server was lost during a query.',
    hint: 'The server restarted or a network device dropped the connection; retry. If it repeats, lower the pool idle timeout below the server wait_timeout.',
  },
  CAREPOOL_DB_ACCESS_DENIED: {
    exit: 1,
    http: 503,
    title: 'The server rejected the user name or password (MySQL error 1045).',
    hint: 'Check the user and password in the target URL and that the user exists for this client host (user@host).',
  },
  CAREPOOL_DB_INSECURE_TRANSPORT: {
    exit: 1,
    http: 503,
    title: 'The server requires TLS (require_secure_transport=ON, MySQL error 3159).',
    hint: 'Add ?ssl-mode=VERIFY_IDENTITY&ssl-ca=<ca.pem> to the target URL (Azure: DigiCert Global Root G2 + Microsoft RSA Root CA 2017).',
  },
  CAREPOOL_DB_TLS_FAILED: {
    exit: 1,
    http: 503,
    title: 'The TLS handshake failed or the server certificate could not be verified.',
    hint: 'Check ssl-ca points at the CA that signed the server certificate and that the host name matches it (or use ssl-mode=VERIFY_CA).',
  },
  CAREPOOL_DB_UNKNOWN_DATABASE: {
    exit: 1,
    http: 503,
    title: 'The database named in the URL does not exist on the server (MySQL error 1049).',
    hint: 'Create it (CREATE DATABASE clinic) or fix the path of the target URL.',
  },
  CAREPOOL_DB_READ_ONLY: {
    exit: 1,
    http: 503,
    title:
      'The server refused a write because it runs read-only (MySQL error 1290 with --read-only): a carepool cutover is switching writes to another target, or the target is a replica.',
    hint: 'Retry after the Retry-After delay: after a cutover the app sends the writes to the new target by itself. If it persists, the Move page and carepool replicate status show the cutover; SET GLOBAL read_only = 0 ends it by hand.',
  },
  CAREPOOL_DB_TOO_MANY_CONNECTIONS: {
    exit: 1,
    http: 503,
    title: 'The server refused the connection because max_connections is reached (MySQL error 1040).',
    hint: 'Lower CAREPOOL_POOL_MAX or the number of app instances, or raise max_connections on the server.',
  },
  CAREPOOL_DB_POOL_TIMEOUT: {
    exit: 1,
    http: 503,
    title: 'No pooled connection became free within the acquire timeout: the pool is saturated.',
    hint: 'Retry after the Retry-After delay. If it persists, queries are too slow or CAREPOOL_POOL_MAX is too small for the load.',
  },
  CAREPOOL_DB_POOL_SATURATED: {
    exit: 1,
    http: 503,
    title:
      'The pool refused the request at once: more callers already wait than it can serve within the acquire timeout.',
    hint: 'Retry after the Retry-After delay. If it persists, the target is overloaded: find the slow queries, add capacity, or raise CAREPOOL_POOL_MAX if the server has headroom.',
  },
  CAREPOOL_DB_NO_HEALTHY_NODE: {
    exit: 1,
    http: 503,
    title:
      'A target URL lists several hosts and none can take connections: each is unreachable or, on Galera, not Synced, ready and Primary.',
    hint: 'Run carepool doctor --target <name> for each node\'s state. A Galera cluster that lost its majority is Non-Primary everywhere: bootstrap it from the most advanced node (galera_new_cluster).',
  },
  CAREPOOL_DB_STATEMENT_TIMEOUT: {
    exit: 1,
    http: 503,
    title:
      'A statement ran past the statement timeout and was stopped (server-side max_statement_time / max_execution_time, or the client gave up and killed it).',
    hint: 'Find the slow query (the server slow query log, EXPLAIN) and fix it, or raise CAREPOOL_STATEMENT_TIMEOUT_MS (CAREPOOL_TARGET_<NAME>_STATEMENT_TIMEOUT_MS for one target) if such statements are expected.',
  },
  CAREPOOL_DB_POOL_CLOSED: {
    exit: 1,
    http: 503,
    title: 'The pool was closed (the process is shutting down).',
    hint: 'Retry against another instance or after the restart.',
  },
  CAREPOOL_DB_UNAVAILABLE: {
    exit: 1,
    http: 503,
    title:
      'The target failed several connection attempts in a row and is being skipped for a short time; requests fail fast until a probe connect succeeds.',
    hint: "The error shows the last connection failure's code (cause) and its hint: fix that. carepool doctor --target <name> shows why the target is down.",
  },
  CAREPOOL_DB_QUERY_FAILED: {
    exit: 1,
    http: 500,
    title: 'The server rejected a statement.',
    hint: 'The message carries the server error number and text; check the schema revision with carepool migrate current.',
  },
  CAREPOOL_DB_CONSTRAINT: {
    exit: 1,
    http: 409,
    title: 'A write violated a constraint (duplicate key or foreign key).',
    hint: 'Check that referenced rows exist and unique values are not taken.',
  },
});
