import { TargetRegistry } from '../../db/targets.js';
import { withSandboxAdmins } from '../../move/admin-targets.js';
import type { CliContext } from '../context.js';

/**
 * The registry `replicate` and `cutover` run with: configured migrator URLs (which must carry CREATE USER,
 * REPLICATION SLAVE ADMIN and SUPER rights, as a cloud admin account does), except that a carepool sandbox
 * server acts through its admin user (src/move/admin-targets.ts). The caller closes it.
 */
export async function moveRegistry(ctx: CliContext): Promise<TargetRegistry> {
  const config = await ctx.targetConfig();
  return new TargetRegistry({ targets: await withSandboxAdmins(config.targets, config.home) });
}

/** Runs `fn` with {@link moveRegistry}, closing it afterwards. */
export async function withMoveRegistry<T>(
  ctx: CliContext,
  fn: (r: TargetRegistry) => Promise<T>,
): Promise<T> {
  const registry = await moveRegistry(ctx);
  try {
    return await fn(registry);
  } finally {
    await registry.close(2000);
  }
}
