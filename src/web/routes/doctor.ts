import type { FastifyInstance } from 'fastify';
import { registerDoctorApi } from './api-doctor.js';
import { DoctorRunner } from './doctor-runner.js';
import type { PageDeps } from './page-helpers.js';
import { registerDoctorPages } from './pages-doctor.js';

/** The doctor page (`/doctor`) and API (`/api/v1/doctor`), sharing one {@link DoctorRunner}. */
export function registerDoctorRoutes(
  app: FastifyInstance,
  deps: PageDeps,
  runner: DoctorRunner = new DoctorRunner(),
): void {
  registerDoctorPages(app, deps, runner);
  registerDoctorApi(app, deps, runner);
}
