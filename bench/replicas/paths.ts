import type { PathSpec } from './cpu-paths.js';

/** The paths measured; each audited path's baseline is the audited straight one (a browser's: the browser's). */
export const PATHS = {
  straight: { label: 'straight to the primary (no REPLICAS)', servers: 'direct' },
  routed: { label: 'through the router, served by the replica', servers: 'routed' },
  routedLocal: {
    label: 'through the router, per-instance read-your-writes only (`fleetWide: false`)',
    servers: 'routed',
    router: { fleetWide: false },
  },
  routedNoReuse: {
    label: 'through the router, fleet-wide without reusing checks (`settleMs: 0`)',
    servers: 'routed',
    router: { settleMs: 0 },
  },
  routedSettle25: {
    label: 'through the router, fleet-wide, `settleMs: 25` (writes would answer 25 ms after commit)',
    servers: 'routed',
    router: { settleMs: 25 },
  },
  replica: { label: 'straight to the replica (its URL as a plain target, no router)', servers: 'replica' },
  straightAudited: {
    label: 'audited (security on): straight to the primary',
    servers: 'direct',
    audited: true,
  },
  routedAudited: {
    label: 'audited (security on): through the router, fleet-wide check',
    servers: 'routed',
    audited: true,
  },
  routedAuditedLocal: {
    label: 'audited (security on): through the router, per-instance read-your-writes only (no check)',
    servers: 'routed',
    router: { fleetWide: false },
    audited: true,
  },
  straightBrowser: {
    label: 'audited, a signed-in browser: straight to the primary',
    servers: 'direct',
    audited: true,
    reader: 'browser',
  },
  replicaBrowser: {
    label:
      'audited, a signed-in browser: straight to the replica (no router), audit rows to the primary: the two servers alone',
    servers: 'replica',
    audited: true,
    reader: 'browser',
    auditOnPrimary: true,
  },
  routedBrowser: {
    label: 'audited, a signed-in browser: through the router (carries its own writes: no check)',
    servers: 'routed',
    audited: true,
    reader: 'browser',
  },
} as const satisfies Record<string, PathSpec>;
