import { type CarepoolConfig, loadConfig } from '../config/index.js';
import { TargetRegistry, type TargetRegistryOptions } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { readGaleraState, withGaleraEnv } from '../sandbox/galera-sandbox.js';
import { isServerAlive, readState, sandboxEnv } from '../sandbox/index.js';
import { type Output, StdOutput } from './output.js';

/**
 * What every command gets: the validated config (read once), the targets (configured ones, or the running
 * sandbox when none are configured), and the output sink. Commands set `exitCode` instead of exiting.
 */
export class CliContext {
  readonly out: Output;
  exitCode = 0;
  #config: CarepoolConfig | undefined;
  #registries: TargetRegistry[] = [];
  readonly #cwd: string;

  constructor(options: { out?: Output; cwd?: string } = {}) {
    this.out = options.out ?? new StdOutput();
    this.#cwd = options.cwd ?? process.cwd();
  }

  /** The configuration from the environment and `.env`. */
  config(): CarepoolConfig {
    this.#config ??= loadConfig({ cwd: this.#cwd });
    return this.#config;
  }

  /**
   * The configuration with targets: configured ones, else the running sandbox's. Throws
   * CAREPOOL_CONFIG_NO_TARGETS when there are neither.
   */
  async targetConfig(): Promise<CarepoolConfig & { readonly sandbox: boolean }> {
    const config = this.config();
    if (config.targets.length > 0) return { ...config, sandbox: false };
    const state = await readState(config.home);
    // A dead read replica is the router's business (it reads from the primary), not a reason to refuse.
    const primaries = Object.values(state.servers).filter((s) => !s.replicaOf);
    const alive = await Promise.all(primaries.map((s) => isServerAlive(s)));
    if (alive.length > 0 && alive.every(Boolean)) {
      const env = withGaleraEnv(sandboxEnv(state), await readGaleraState(config.home));
      const sandboxConfig = loadConfig({ cwd: this.#cwd, env: { ...env, ...process.env } });
      return { ...sandboxConfig, sandbox: true };
    }
    throw new AppError(
      'CAREPOOL_CONFIG_NO_TARGETS',
      'no targets are configured (CAREPOOL_TARGETS / DATABASE_URL are unset) and the sandbox is not running',
    );
  }

  /** A target registry over {@link CliContext.targetConfig}; closed when the command ends. */
  async registry(options: TargetRegistryOptions = {}): Promise<TargetRegistry> {
    const registry = new TargetRegistry(await this.targetConfig(), options);
    this.#registries.push(registry);
    return registry;
  }

  /** Closes every registry the command opened. */
  async close(): Promise<void> {
    await Promise.all(this.#registries.splice(0).map((r) => r.close(2000)));
  }
}
