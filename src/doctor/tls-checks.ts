import type { ConnectionSpec } from '../config/index.js';
import { type ExplainContext, explainChainError } from './explain.js';
import { probeTls } from './probe-tls.js';
import type { Finding } from './types.js';
import type { Greeting } from './wire.js';

const DAY = 86_400_000;
/** A certificate expiring sooner than this is worth a warning. */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * TLS handshake, chain, host name and expiry, judged against the target's ssl-mode the way the driver will
 * apply it (src/db/tls.ts): REQUIRED verifies the chain only when ssl-ca is given, VERIFY_CA always,
 * VERIFY_IDENTITY also checks the host name. `proceed` is false when the driver's TLS would fail anyway.
 */
export async function tlsChecks(
  spec: ConnectionSpec,
  address: string,
  greeting: Extract<Greeting, { kind: 'handshake' }>,
  ctx: ExplainContext,
  now: Date,
): Promise<{ findings: Finding[]; proceed: boolean }> {
  const mode = spec.sslMode;
  const variable = ctx.variable;
  const skipped = (why: string): Finding[] =>
    (['tls.chain', 'tls.hostname', 'tls.expiry'] as const).map((check) => ({
      check,
      status: 'skip',
      summary: why,
    }));
  if (mode === 'DISABLED' || !greeting.tlsOffered) {
    const required = mode !== 'DISABLED' && mode !== 'PREFERRED';
    const tls: Finding = required
      ? {
          check: 'tls',
          status: 'fail',
          code: 'CAREPOOL_DOCTOR_TLS_NOT_OFFERED',
          summary: `ssl-mode=${mode} needs TLS, but the server does not offer it`,
          cause:
            'The server has no certificate configured (or a proxy in front of it strips TLS), so the client refuses to connect.',
          fix: 'Enable TLS on the server (ssl_cert/ssl_key; managed clouds always offer it, so check you reach the real server, not a local proxy), or use the provider connector/Auth Proxy.',
        }
      : {
          check: 'tls',
          status: 'warn',
          code: 'CAREPOOL_DOCTOR_PLAINTEXT',
          summary: greeting.tlsOffered
            ? `ssl-mode=${mode}: the app talks to the server in plain text although it offers TLS`
            : `the server offers no TLS, so ssl-mode=${mode} falls back to plain text`,
          cause:
            'Patient records and the login cross the network unencrypted; anyone on the path can read or change them.',
          fix: `Use ?ssl-mode=VERIFY_IDENTITY&ssl-ca=<ca.pem> in ${variable} (VERIFY_CA for Cloud SQL by IP).`,
        };
    return {
      findings: [tls, ...skipped(mode === 'DISABLED' ? 'ssl-mode=DISABLED' : 'no TLS')],
      proceed: !required,
    };
  }
  const probe = await probeTls(spec.host, address, spec.port, spec.sslCa, ctx.connectTimeoutMs);
  if (!probe.ok) {
    const blocking = mode !== 'PREFERRED';
    return {
      proceed: !blocking,
      findings: [
        {
          check: 'tls',
          status: blocking ? 'fail' : 'warn',
          code: 'CAREPOOL_DB_TLS_FAILED',
          summary: `TLS handshake failed: ${probe.code} ${probe.message}`,
          ms: probe.ms,
          cause:
            'The server offered TLS but the handshake did not complete: no common TLS version or cipher, an unreadable ssl-ca file, or a middlebox that breaks TLS.',
          fix: `Check that ssl-ca in ${variable} is a readable PEM file and that nothing between this machine and the server intercepts TLS.`,
        },
        ...skipped('needs a TLS handshake'),
      ],
    };
  }
  const verifyChain =
    mode === 'VERIFY_CA' || mode === 'VERIFY_IDENTITY' || (mode === 'REQUIRED' && spec.sslCa !== undefined);
  const verifyHost = mode === 'VERIFY_IDENTITY';
  const cert = probe.certificate;
  const findings: Finding[] = [
    {
      check: 'tls',
      status: /^TLSv1(\.1)?$/.test(probe.protocol) ? 'warn' : 'ok',
      summary: `${probe.protocol} ${probe.cipher}; certificate "${cert.subject}" issued by "${cert.issuer}"`,
      ms: probe.ms,
      data: {
        protocol: probe.protocol,
        cipher: probe.cipher,
        subject: cert.subject,
        issuer: cert.issuer,
        altNames: cert.altNames,
      },
      ...(/^TLSv1(\.1)?$/.test(probe.protocol)
        ? {
            code: 'CAREPOOL_DB_TLS_FAILED' as const,
            cause: `${probe.protocol} is obsolete; Azure refuses it since 2025 and it has known weaknesses.`,
            fix: 'Enable TLS 1.2 or 1.3 on the server (tls_version).',
          }
        : {}),
    },
  ];
  let proceed = true;
  if (!verifyChain) {
    findings.push({
      check: 'tls.chain',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_TLS_UNTRUSTED',
      summary: `not verified (ssl-mode=${mode}${spec.sslCa === undefined ? ', no ssl-ca' : ''}); against ${spec.sslCa === undefined ? 'the system roots' : 'ssl-ca'} it ${probe.chainError === null ? 'would verify' : `would fail: ${explainChainError(probe.chainError)}`}`,
      cause: `ssl-mode=${mode} encrypts but does not check who answers, so anyone on the path can impersonate the server and read patient data.`,
      fix: `Use ssl-mode=VERIFY_IDENTITY (or VERIFY_CA for Cloud SQL by IP) with ssl-ca=<CA file> in ${variable}.`,
    });
  } else if (probe.chainError === null) {
    findings.push({
      check: 'tls.chain',
      status: 'ok',
      summary: `"${cert.issuer}" is trusted by ${spec.sslCa === undefined ? 'the system roots' : `ssl-ca ${spec.sslCa}`}`,
    });
  } else {
    proceed = false;
    findings.push({
      check: 'tls.chain',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_TLS_UNTRUSTED',
      summary: `the server certificate (issued by "${cert.issuer}") does not verify: ${explainChainError(probe.chainError)}`,
      cause: `ssl-ca ${spec.sslCa ?? '(system roots)'} does not contain the CA that signed this server's certificate, so the client rejects it.`,
      fix: `Point ssl-ca in ${variable} at the right CA: Azure: a PEM with DigiCert Global Root G2 + Microsoft RSA Root CA 2017 (convert the Microsoft .crt from DER); Cloud SQL: the instance server-ca.pem; the sandbox: the ca.pem of that server.`,
    });
  }
  const names = cert.altNames || `CN=${cert.subject}`;
  if (probe.hostnameError === null) {
    findings.push({
      check: 'tls.hostname',
      status: verifyHost ? 'ok' : 'info',
      summary: `the certificate names ${spec.host} (${names})${verifyHost ? '' : `; not checked under ssl-mode=${mode}`}`,
    });
  } else if (verifyHost) {
    proceed = false;
    findings.push({
      check: 'tls.hostname',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_TLS_HOSTNAME',
      summary: `the certificate does not name "${spec.host}"; it names ${names}`,
      cause:
        'ssl-mode=VERIFY_IDENTITY checks that the certificate was issued for the host in the URL, and it was not (connecting by IP, or Cloud SQL certificates that name project:instance).',
      fix: `Connect with a name on the certificate (Azure: <server>.mysql.database.azure.com), or use ssl-mode=VERIFY_CA in ${variable} (still checks the CA).`,
    });
  } else {
    findings.push({
      check: 'tls.hostname',
      status: 'info',
      summary: `not checked under ssl-mode=${mode}; the certificate names ${names}, not ${spec.host}`,
    });
  }
  findings.push(expiry(cert.validFrom, cert.validTo, now, verifyChain));
  if (findings.at(-1)?.status === 'fail') proceed = false;
  return { findings, proceed };
}

function expiry(validFrom: Date, validTo: Date, now: Date, enforced: boolean): Finding {
  const days = Math.floor((validTo.getTime() - now.getTime()) / DAY);
  const until = validTo.toISOString().slice(0, 10);
  const data = { validFrom: validFrom.toISOString(), validTo: validTo.toISOString(), daysLeft: days };
  if (now < validFrom || now > validTo) {
    const expired = now > validTo;
    return {
      check: 'tls.expiry',
      status: enforced ? 'fail' : 'warn',
      code: 'CAREPOOL_DOCTOR_TLS_EXPIRED',
      summary: expired
        ? `the certificate expired on ${until}`
        : `the certificate is valid only from ${validFrom.toISOString().slice(0, 10)}`,
      cause: expired
        ? 'The server still presents an expired certificate, so verifying clients refuse to connect.'
        : 'The certificate is not valid yet: the server or this machine has a wrong clock.',
      fix: expired
        ? 'Rotate the server certificate (managed clouds rotate their own: check you reach the real server); for the sandbox delete its tls folder and restart it.'
        : 'Fix the clock (NTP) on this machine or the server.',
      data,
    };
  }
  if (days < EXPIRY_WARNING_DAYS) {
    return {
      check: 'tls.expiry',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_TLS_EXPIRING',
      summary: `the certificate expires on ${until}, in ${days} days`,
      cause: 'When it expires, every verifying client stops connecting.',
      fix: 'Rotate it before then, and make sure ssl-ca also trusts the CA of the new certificate.',
      data,
    };
  }
  return { check: 'tls.expiry', status: 'ok', summary: `valid until ${until} (${days} days)`, data };
}
