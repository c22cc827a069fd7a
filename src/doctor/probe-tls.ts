import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate, connect as tlsConnect } from 'node:tls';
import { elapsed, greet } from './probe-network.js';
import { sslRequestPacket } from './wire.js';

/** The server certificate as the doctor reports it. */
export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  /** Subject alternative names, e.g. `DNS:localhost, IP Address:127.0.0.1`. */
  readonly altNames: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

/** Outcome of {@link probeTls}. */
export type TlsProbe =
  | {
      readonly ok: true;
      readonly ms: number;
      readonly protocol: string;
      readonly cipher: string;
      readonly certificate: CertificateInfo;
      /** Null when the chain verifies against ssl-ca (or the system roots when there is none). */
      readonly chainError: string | null;
      /** Null when the certificate names the host. */
      readonly hostnameError: string | null;
    }
  | { readonly ok: false; readonly ms: number; readonly code: string; readonly message: string };

/**
 * Opens a connection, asks for TLS with an SSLRequest and completes the handshake without verifying, then
 * checks chain and host name itself, so it can say exactly which one fails (the driver only reports the
 * first error). `caPath` is the target's ssl-ca; without it the system roots are used, as Node does.
 */
export async function probeTls(
  host: string,
  address: string,
  port: number,
  caPath: string | undefined,
  timeoutMs: number,
): Promise<TlsProbe> {
  const started = performance.now();
  const outcome = await greet(address, port, timeoutMs);
  if (outcome.stage !== 'done')
    return { ok: false, ms: elapsed(started), code: 'NO_GREETING', message: 'the server did not greet' };
  const { socket } = outcome;
  let ca: string | undefined;
  try {
    ca = caPath === undefined ? undefined : readFileSync(caPath, 'utf8');
  } catch (error) {
    socket.destroy();
    return {
      ok: false,
      ms: elapsed(started),
      code: 'CA_UNREADABLE',
      message: `cannot read ssl-ca "${caPath}": ${(error as Error).message}`,
    };
  }
  socket.write(sslRequestPacket());
  return new Promise((resolve) => {
    const remaining = Math.max(100, timeoutMs - elapsed(started));
    const tls = tlsConnect({
      socket,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: false,
      // Node folds a host-name mismatch into `authorized`; check the chain alone here, the name below.
      checkServerIdentity: () => undefined,
    });
    let settled = false;
    const finish = (result: TlsProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      tls.destroy();
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          ms: elapsed(started),
          code: 'ETIMEDOUT',
          message: `no TLS handshake within ${Math.round(remaining)} ms`,
        }),
      remaining,
    );
    tls.once('secureConnect', () => {
      const cert = tls.getPeerCertificate(false);
      const identity = checkServerIdentity(host, cert);
      finish({
        ok: true,
        ms: elapsed(started),
        protocol: tls.getProtocol() ?? 'unknown',
        cipher: tls.getCipher()?.name ?? 'unknown',
        certificate: certificateInfo(cert),
        chainError: tls.authorized ? null : String(tls.authorizationError ?? 'not verified'),
        hostnameError: identity === undefined ? null : identity.message,
      });
    });
    tls.once('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, ms: elapsed(started), code: error.code ?? 'TLS_ERROR', message: error.message }),
    );
  });
}

function certificateInfo(cert: PeerCertificate): CertificateInfo {
  const name = (entity: PeerCertificate['subject'] | undefined): string => {
    const cn = entity?.CN;
    return Array.isArray(cn) ? cn.join(', ') : (cn ?? '');
  };
  return {
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    altNames: cert.subjectaltname ?? '',
    validFrom: new Date(cert.valid_from),
    validTo: new Date(cert.valid_to),
  };
}
