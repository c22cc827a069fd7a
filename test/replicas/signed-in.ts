import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { AuditLog } from '../../src/audit/index.js';
import { UserStore } from '../../src/auth/index.js';
import { Secret } from '../../src/config/index.js';
import type { ReplicaRouter } from '../../src/replicas/index.js';
import { buildApp } from '../../src/web/app.js';
import { registerSecret } from '../harness/capture.js';
import type { ReplicaStack } from './harness.js';

/** One signed-in app instance over the replica stack. */
export interface Instance {
  readonly app: FastifyInstance;
  readonly router: ReplicaRouter;
}

/** Instances sharing one session secret (as a fleet behind a load balancer), one clinician and their token. */
export interface SignedInFleet {
  readonly instances: readonly Instance[];
  readonly user: { readonly name: string; readonly password: string };
  readonly token: string;
}

/**
 * Builds `count` app instances with sign-in over `stack` (each its own registry and router, lag bound 600 s
 * so a delayed replica stays eligible), sharing a session secret, and creates one clinician with an API token.
 */
export async function signedInFleet(stack: ReplicaStack, count: number): Promise<SignedInFleet> {
  const user = {
    name: `rw_${randomBytes(3).toString('hex')}`,
    password: randomBytes(18).toString('base64url'),
  };
  const key = randomBytes(32).toString('base64url');
  registerSecret(key, user.password);
  const secret = new Secret(key);
  const instances: Instance[] = [];
  let token = '';
  for (let i = 0; i < count; i++) {
    const { registry, router } = stack.open({ CAREPOOL_READ_MAX_LAG_MS: '600000' });
    const users = new UserStore(registry);
    if (i === 0) {
      await users.upsertUser(user.name, 'clinician', user.password);
      token = await users.createToken(user.name, 'rw-test');
      registerSecret(token);
    }
    const app = await buildApp({
      registry,
      security: {
        users,
        audit: new AuditLog(registry),
        sessionSecret: secret,
        loginLimit: { max: 1000, windowMs: 60_000 },
      },
    });
    instances.push({ app, router });
  }
  return { instances, user, token };
}

/** Delays the replica's SQL thread by `seconds` (MASTER_DELAY) and waits until every router finds it eligible. */
export async function delayReplica(stack: ReplicaStack, instances: readonly Instance[], seconds: number) {
  await stack.onReplica('STOP SLAVE', `CHANGE MASTER TO MASTER_DELAY = ${seconds}`, 'START SLAVE');
  for (const { router } of instances) {
    for (const until = Date.now() + 15_000; (await router.statuses())[0]?.eligible !== true;) {
      if (Date.now() > until) throw new Error('the replica never became eligible within 15 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A POST of a new patient through `app`; its status, id and response. */
export async function postPatient(
  app: FastifyInstance,
  headers: Record<string, string>,
  body: Record<string, string>,
): Promise<{ res: LightMyRequestResponse; id: number }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/targets/gcp/patients',
    headers,
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`creating a patient answered ${res.statusCode}: ${res.body}`);
  return { res, id: (res.json() as { id: number }).id };
}

/** Closes the instances, undoes any replica delay and stops the stack (each part only if it was started). */
export async function closeFleet(stack: ReplicaStack | undefined, fleet: SignedInFleet | undefined) {
  for (const { app } of fleet?.instances ?? []) await app.close();
  await stack
    ?.onReplica('STOP SLAVE', 'CHANGE MASTER TO MASTER_DELAY = 0', 'START SLAVE')
    .catch(() => undefined);
  await stack?.close();
}
