import type { TargetConfig } from '../../config/index.js';
import type { Target } from '../../db/targets.js';
import type { DoctorOptions, DoctorReport } from '../../doctor/index.js';
import { AppError } from '../../errors/index.js';

/** Doctor runs a server holds at once: the one running and one waiting its turn. */
export const MAX_DOCTOR_RUNS = 2;

/** Runs the doctor; the default imports src/doctor lazily (the serve path does not need it otherwise). */
export type Diagnose = (targets: readonly TargetConfig[], options: DoctorOptions) => Promise<DoctorReport>;

const lazyDiagnose: Diagnose = async (targets, options) => {
  const { diagnoseTargets } = await import('../../doctor/index.js');
  return diagnoseTargets(targets, options);
};

/**
 * Bounds the doctor in the web app. A run opens connections, handshakes TLS and logs in as the app and the
 * migrator user on every target it checks, for seconds: a few page reloads must not multiply that. So runs
 * go one at a time; a request for the same targets as a queued or running one shares its report; one
 * other selection may wait its turn; beyond that the request fails fast with CAREPOOL_DOCTOR_BUSY (503,
 * Retry-After from the last run's duration).
 */
export class DoctorRunner {
  readonly #pending = new Map<string, Promise<DoctorReport>>();
  readonly #diagnose: Diagnose;
  readonly #options: DoctorOptions;
  readonly #max: number;
  #tail: Promise<unknown> = Promise.resolve();
  #lastMs = 3000;

  constructor(options: { diagnose?: Diagnose; doctor?: DoctorOptions; max?: number } = {}) {
    this.#diagnose = options.diagnose ?? lazyDiagnose;
    this.#options = options.doctor ?? { migrationState: lazyMigrationState() };
    this.#max = options.max ?? MAX_DOCTOR_RUNS;
  }

  /** The doctor's report on `targets` (in configuration order). */
  run(targets: readonly Target[]): Promise<DoctorReport> {
    const key = targets.map((t) => t.name).join(',');
    const joined = this.#pending.get(key);
    if (joined) return joined;
    if (this.#pending.size >= this.#max) {
      const retryAfterS = Math.max(1, Math.ceil((this.#lastMs * this.#pending.size) / 1000));
      return Promise.reject(
        new AppError(
          'CAREPOOL_DOCTOR_BUSY',
          `the doctor is already checking ${[...this.#pending.keys()].map((k) => `"${k}"`).join(' and ')}`,
          { meta: { running: [...this.#pending.keys()], retryAfterS } },
        ),
      );
    }
    const configs = targets.map((t) => t.config);
    const run = this.#tail.then(async () => {
      const started = performance.now();
      try {
        return await this.#diagnose(configs, this.#options);
      } finally {
        this.#lastMs = performance.now() - started;
      }
    });
    this.#tail = run.catch(() => undefined);
    this.#pending.set(key, run);
    const done = () => this.#pending.delete(key);
    run.then(done, done);
    return run;
  }
}

/** Reads applied vs latest revisions from the shipped migration files; the modules load on first use. */
function lazyMigrationState(): NonNullable<DoctorOptions['migrationState']> {
  let reader: Promise<NonNullable<DoctorOptions['migrationState']>> | undefined;
  return async (target, client) => {
    reader ??= Promise.all([import('../../doctor/index.js'), import('../../migrate/index.js')]).then(
      ([doctor, migrate]) => doctor.migrationStateFromFiles(migrate.defaultMigrationsDir()),
    );
    return (await reader)(target, client);
  };
}
