import type { AppError } from '../errors/index.js';
import type { Finding } from './types.js';

/** What the explanations need to know about the target. */
export interface ExplainContext {
  readonly target: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly sslMode: string;
  readonly connectTimeoutMs: number;
  /** The environment variable holding this URL, named in fixes. */
  readonly variable: string;
}

/** The environment variable holding the target's URL (DATABASE_URL for the implicit "default" target). */
export function urlVariable(target: string): string {
  return target === 'default' ? 'DATABASE_URL' : `CAREPOOL_TARGET_${target.toUpperCase()}_URL`;
}

/** The fix for "the server wants TLS": shared by error 3159 and MariaDB's 1045 under require_secure_transport. */
export function tlsRequiredFix(ctx: ExplainContext): string {
  return (
    `Add ssl-mode and the CA to ${ctx.variable}: ?ssl-mode=VERIFY_IDENTITY&ssl-ca=<ca.pem>. ` +
    'On Azure the CA file holds DigiCert Global Root G2 + Microsoft RSA Root CA 2017 (and DigiCert Global Root CA during the rotation); ' +
    'on Cloud SQL use ssl-mode=VERIFY_CA with the instance server-ca.pem.'
  );
}

/**
 * Cause and fix, in plain words, for an error from opening a connection (DNS, TCP, TLS, login). `tlsLikely`
 * is set when a plain-text login got 1045 from a server that offers TLS and the same login over TLS worked.
 */
export function explainConnectError(
  error: AppError,
  ctx: ExplainContext,
): Pick<Finding, 'cause' | 'fix' | 'code'> {
  const where = `${ctx.host}:${ctx.port}`;
  const accountHost = /'[^']*'@'([^']*)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'CAREPOOL_DB_INSECURE_TRANSPORT':
      return {
        code: error.code,
        cause: `The server only accepts encrypted connections (require_secure_transport=ON, the Azure default) and this URL connects without TLS (ssl-mode=${ctx.sslMode}). MySQL answers that with error 3159.`,
        fix: tlsRequiredFix(ctx),
      };
    case 'CAREPOOL_DB_ACCESS_DENIED':
      return {
        code: error.code,
        cause: `The server rejected user "${ctx.user}" connecting from ${accountHost ?? 'this machine'} (error 1045): the password is wrong, or no account "${ctx.user}"@"${accountHost ?? 'host'}" matches this client host.`,
        fix:
          `Check the password in ${ctx.variable} (percent-encode @ : / # ? in it). As an admin, check the account: ` +
          `SELECT user, host FROM mysql.user WHERE user = '${ctx.user}'; the host part must match ${accountHost ?? 'your client address'} (or be %). ` +
          'On Azure use the plain user name; on Cloud SQL check the user was created for this host (or %).',
      };
    case 'CAREPOOL_DB_UNKNOWN_DATABASE':
      return {
        code: error.code,
        cause: `The login worked, but database "${ctx.database}" does not exist on ${where} (error 1049), or this user cannot see it.`,
        fix: `Create it as an admin (CREATE DATABASE ${ctx.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci) and grant the app user on it, or fix the database name (the path) in ${ctx.variable}.`,
      };
    case 'CAREPOOL_DB_TOO_MANY_CONNECTIONS':
      return {
        code: error.code,
        cause: `Every connection slot of the server is taken (max_connections reached, error 1040), so it refused this one. Other app instances, pools or leaked connections hold them.`,
        fix: 'Find who holds them (as an admin: SHOW PROCESSLIST), lower CAREPOOL_POOL_MAX or the number of app instances so pool max × instances stays below max_connections, or raise max_connections on the server.',
      };
    case 'CAREPOOL_DB_CONNECT_TIMEOUT':
      return {
        code: error.code,
        cause: `The connection to ${where} did not complete within ${ctx.connectTimeoutMs} ms: a firewall or allowlist drops the packets, the host is down, or the TLS handshake/login stalled.`,
        fix: "Allow this machine's public IP in the server firewall (Azure: Networking → firewall rules; Cloud SQL: Authorized networks, or use the Cloud SQL Auth Proxy/connector), check VPN/private access, then retry.",
      };
    case 'CAREPOOL_DB_CONNECT_REFUSED':
      return {
        code: error.code,
        cause: `Nothing listens on ${where}: the host answered the TCP connection with a reset (ECONNREFUSED).`,
        fix: `Check the port in ${ctx.variable} (MySQL uses 3306) and that the server is running; for the sandbox run: carepool sandbox start (carepool sandbox status shows its ports).`,
      };
    case 'CAREPOOL_DB_HOST_NOT_FOUND':
      return {
        code: error.code,
        cause: `The host name "${ctx.host}" does not resolve in DNS (ENOTFOUND).`,
        fix: `Check the spelling of the host in ${ctx.variable} (Azure: <server>.mysql.database.azure.com; Cloud SQL: the instance IP), and that private DNS zones are reachable from this network.`,
      };
    case 'CAREPOOL_DB_TLS_FAILED':
      return {
        code: error.code,
        cause: `The TLS handshake with ${where} failed: ${error.message.replace(/^.*TLS failed: /, '')}.`,
        fix: `Check that ssl-ca in ${ctx.variable} is the CA that signed the server certificate and that the host name is on the certificate (or use ssl-mode=VERIFY_CA).`,
      };
    default:
      return { code: error.code, cause: error.message, fix: error.hint };
  }
}

/** Plain words for Node's certificate verification codes. */
export function explainChainError(code: string): string {
  switch (code) {
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `the certificate is signed by a CA that ssl-ca does not contain (${code})`;
    case 'CERT_HAS_EXPIRED':
      return 'the certificate has expired (CERT_HAS_EXPIRED)';
    case 'CERT_NOT_YET_VALID':
      return "the certificate is not valid yet: check this machine's clock (CERT_NOT_YET_VALID)";
    default:
      return `the chain does not verify (${code})`;
  }
}
