import { existsSync } from 'node:fs';
import { inject } from 'vitest';
import { BIN, type Workdir, workdir } from '../../cli/e2e.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';

/** A scratch database on the test sandbox's gcp server and a work directory to run the built CLI in. */
export interface ScratchCli {
  readonly scratch: ScratchDatabases;
  readonly wd: Workdir;
  /** The built CLI against the scratch database on gcp only, with the test sandbox as workspace server. */
  cli(args: readonly string[]): ReturnType<Workdir['run']>;
  remove(): Promise<void>;
}

/** Creates a {@link ScratchCli} (the built CLI must exist: `npm run build`). */
export async function scratchCli(prefix: string): Promise<ScratchCli> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
  const scratch = await createScratchDatabases(prefix);
  const wd = await workdir(`carepool-${prefix}`);
  return {
    scratch,
    wd,
    cli: (args) =>
      wd.run(args, {
        CAREPOOL_TARGETS: 'gcp',
        CAREPOOL_TARGET_GCP_URL: scratch.env.CAREPOOL_TARGET_GCP_URL ?? '',
        CAREPOOL_TARGET_GCP_MIGRATE_URL: scratch.env.CAREPOOL_TARGET_GCP_MIGRATE_URL ?? '',
        CAREPOOL_HOME: inject('sandboxHome'),
      }),
    async remove() {
      await scratch.drop();
      await wd.remove();
    },
  };
}
