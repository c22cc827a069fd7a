import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { auditedGuard } from '../audit/index.js';
import { Clinic } from '../clinic/index.js';
import type { RevisionReader } from '../db/health.js';
import { PoolMetrics } from '../db/pool/metrics.js';
import { registerGaleraMetrics } from '../galera/metrics.js';
import { registerReplicaMetrics } from '../replicas/index.js';
import type { TargetRegistry } from '../db/targets.js';
import type { Logger } from '../log/logger.js';
import { registerDrain } from './plugins/drain.js';
import { toAppError } from './plugins/error-envelope.js';
import { registerErrorHandling, sendError } from './plugins/errors.js';
import { registerIdentity } from './plugins/identity.js';
import { registerLoadShed } from './plugins/load-shed.js';
import { RouteLogController } from './plugins/request-log.js';
import { recordRouteRules } from './plugins/route-access.js';
import { TargetStatus } from './plugins/target-status.js';
import { registerAppointmentApi } from './routes/api-appointments.js';
import { registerPatientApi } from './routes/api-patients.js';
import { registerRecordApi } from './routes/api-records.js';
import { registerTargetApi } from './routes/api-targets.js';
import { registerAuditRoutes } from './routes/audit.js';
import { openApiOptions, swaggerUiOptions } from './routes/openapi.js';
import { registerDoctorRoutes } from './routes/doctor.js';
import { registerLiveRoutes } from './routes/live.js';
import { type MoveDeps, registerMoveRoutes } from './routes/move.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerAppointmentPages } from './routes/pages-appointments.js';
import { registerDashboardPages } from './routes/pages-dashboard.js';
import { registerErdPages } from './routes/pages-erd.js';
import { registerPatientPages } from './routes/pages-patients.js';
import { registerRecordPages } from './routes/pages-records.js';
import { registerStaticRoutes } from './routes/static.js';
import { registerSecurity, registerSecurityHeaders, type SecurityOptions } from './security/index.js';
import { registerInputGuard } from './security/input-guard.js';
import { Views } from './views/render.js';

/** What {@link buildApp} needs; everything else has a default. */
export interface AppDeps {
  /** The targets; the caller owns it (closes it). */
  readonly registry: TargetRegistry;
  /**
   * The Prometheus registry served at /metrics. Pass the one whose `PoolMetrics` observers the target
   * registry was built with; by default a fresh registry gets pool gauges only.
   */
  readonly metrics?: Registry;
  /** Logger for requests and unexpected errors; none by default (tests, benchmarks). */
  readonly logger?: Logger;
  /** Reads each target's schema revision for /api/v1/targets and the dashboard. */
  readonly readRevision?: RevisionReader;
  /**
   * Sign-in, roles and the audit trail (what `carepool serve` always runs with), or `'none'`: every request
   * acts as the local user with every permission and nothing is audited. `'none'` exists for route tests and
   * in-process embedding on loopback; no command serves it.
   */
  readonly security: SecurityOptions | 'none';
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /** carepool's home and targets, for the Move page (docs/move.md); without it the page is empty. */
  readonly move?: MoveDeps;
  /** True while the instance drains: `/readyz` answers 503 (src/fleet). */
  readonly draining?: () => boolean;
  /**
   * Load balancers (addresses or CIDR ranges) whose `X-Forwarded-For` names the client: the address that
   * sign-in throttling, rate limits and the audit see (`CAREPOOL_TRUST_PROXY`). None by default.
   */
  readonly trustProxy?: readonly string[];
}

/**
 * Builds the web app (JSON API under /api/v1, server-rendered pages, /healthz, /readyz, /metrics, /docs)
 * without listening, so tests drive it with `app.inject()`. Call `await app.ready()` or `listen()` next.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const views = new Views();
  const status = new TargetStatus(deps.registry);
  const pageDeps = { views, registry: deps.registry, status };
  const app = Fastify({
    ...(deps.https ? { https: { cert: deps.https.cert, key: deps.https.key } } : {}),
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: false }),
    logController: new RouteLogController(),
    bodyLimit: 1024 * 1024,
    ...(deps.trustProxy ? { trustProxy: [...deps.trustProxy] } : {}),
    // A client's X-Request-Id is kept only when it is a plain token: it ends up in log lines, audit events
    // and a response header, where control characters or a megabyte of text do not belong.
    requestIdHeader: false,
    genReqId: (raw) => {
      const given = raw.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { allErrors: true } },
    routerOptions: { ignoreTrailingSlash: true },
    // Errors the router raises before any route runs (a malformed URL, a parameter over 100 characters)
    // get the same envelope as everything else.
    frameworkErrors: (error, request, reply) => {
      sendError(request, reply, toAppError(error), pageDeps);
    },
    // Requests that arrive on open connections while closing get our envelope with Retry-After (below),
    // not Fastify's bare 503.
    return503OnClosing: false,
  });
  recordRouteRules(app);
  const metrics = deps.metrics ?? defaultMetrics(deps.registry);
  // Conflict retries (1213) and, for multi-host targets, each node's state and traffic.
  registerGaleraMetrics(metrics, deps.registry);
  registerReplicaMetrics(metrics, deps.registry);
  const security = deps.security === 'none' ? undefined : deps.security;
  const clinic = new Clinic({
    registry: deps.registry,
    ...(security
      ? {
          guard: auditedGuard(security.audit, (message, meta) => app.log.warn(meta, message)),
          auditsWrites: true,
        }
      : {}),
  });
  app.addHook('onClose', async () => status.close());
  registerDrain(app, pageDeps);
  registerLoadShed(app, pageDeps);

  await app.register(formbody);
  // Strict input applies to every app, secured or not: an embedding with `security: 'none'` must not turn
  // `/patients/0x10` into patient 16 either.
  registerInputGuard(app);
  registerIdentity(app, security === undefined);
  registerSecurityHeaders(app, security?.https === true);
  if (security) {
    await registerSecurity(app, security, pageDeps);
    // Events still waiting for their batch are written before the pools close.
    app.addHook('onClose', async () => security.audit.close());
  }
  // Before the documentation plugins: their routes take the error handler in force when they register.
  registerErrorHandling(app, pageDeps);
  await app.register(swagger, openApiOptions());
  await app.register(swaggerUi, swaggerUiOptions());
  // After the swagger plugin: it documents only the routes registered after it.
  if (security) registerAuditRoutes(app, security.audit, pageDeps);
  registerOpsRoutes(app, {
    registry: deps.registry,
    metrics,
    ...(deps.readRevision ? { readRevision: deps.readRevision } : {}),
    ...(deps.draining ? { draining: deps.draining } : {}),
  });
  registerTargetApi(app, clinic, deps.readRevision);
  registerPatientApi(app, clinic);
  registerRecordApi(app, clinic);
  registerAppointmentApi(app, clinic);
  registerStaticRoutes(app);
  registerLiveRoutes(app, pageDeps);
  registerMoveRoutes(app, pageDeps, deps.move);
  registerDashboardPages(app, clinic, pageDeps, deps.readRevision);
  registerPatientPages(app, clinic, pageDeps);
  registerRecordPages(app, clinic, pageDeps);
  registerAppointmentPages(app, clinic, pageDeps);
  registerErdPages(app, pageDeps);
  registerDoctorRoutes(app, pageDeps);
  return app;
}

function defaultMetrics(registry: TargetRegistry): Registry {
  const metrics = new Registry();
  new PoolMetrics(metrics, registry);
  return metrics;
}
