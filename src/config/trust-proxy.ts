import { isIP } from 'node:net';
import { AppError } from '../errors/index.js';

/**
 * `CAREPOOL_TRUST_PROXY`: the addresses (or CIDR ranges) of the load balancers in front of carepool, e.g.
 * `127.0.0.1` for the HAProxy of docs/examples/haproxy.cfg. A request arriving from one of them is taken to
 * come from the address its `X-Forwarded-For` names (the right-most one not itself a trusted proxy); from
 * anyone else the header is ignored, so a client cannot pick its own address. Without it, every client
 * behind a proxy has the proxy's address: sign-in throttling (per name and address, shared by the fleet),
 * the per-address rate limit and the audit's `client` then treat all users as one.
 * Unset or empty: no proxy is trusted. A bad entry throws CAREPOOL_CONFIG_INVALID naming it.
 */
export function readTrustProxy(raw: string | undefined): readonly string[] | undefined {
  if (raw === undefined) return undefined;
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined)
      throw new AppError(
        'CAREPOOL_CONFIG_INVALID',
        `CAREPOOL_TRUST_PROXY entry "${entry.slice(0, 60)}" is not an IP address or CIDR range (the load balancer's address, as carepool sees it). Example: CAREPOOL_TRUST_PROXY=127.0.0.1,10.0.0.0/8`,
        { meta: { variable: 'CAREPOOL_TRUST_PROXY' } },
      );
  }
  return entries;
}
