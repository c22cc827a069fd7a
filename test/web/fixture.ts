import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TargetRegistry } from '../../src/db/targets.js';
import { buildApp } from '../../src/web/app.js';
import { sandboxRegistry } from '../harness/targets.js';

/** An app over the test sandbox (azure + gcp) and a tag that makes this file's rows unique. */
export interface WebFixture {
  readonly app: FastifyInstance;
  readonly registry: TargetRegistry;
  /** A random word to put in names, so searches find only this test's rows. */
  readonly tag: string;
  close(): Promise<void>;
}

/** Builds the app over the shared test sandbox. */
export async function webFixture(extraEnv: Record<string, string> = {}): Promise<WebFixture> {
  const registry = sandboxRegistry(extraEnv);
  const app = await buildApp({ registry, security: 'none' });
  await app.ready();
  return {
    app,
    registry,
    tag: `T${randomBytes(4).toString('hex')}`,
    async close() {
      await app.close();
      await registry.close(1000);
    },
  };
}

/** A valid patient body with `tag` in the last name. */
export function patientBody(tag: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    first_name: 'Ana',
    last_name: `${tag}Garcia`,
    date_of_birth: '1984-03-12',
    gender: 'Female',
    contact_number: '+1 555 0100',
    ...overrides,
  };
}
