import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerAudit } from './audit.js';
import { registerCopy } from './copy.js';
import { registerCutover } from './cutover.js';
import { registerDoctor } from './doctor.js';
import { registerErd } from './erd.js';
import { registerLoad } from './load.js';
import { registerMigrate } from './migrate.js';
import { registerReplicate } from './replicate.js';
import { registerSandbox } from './sandbox.js';
import { registerSchema } from './schema.js';
import { registerSeed } from './seed.js';
import { registerServe } from './serve.js';
import { registerSync } from './sync.js';
import { registerTargets } from './targets.js';
import { registerUp } from './up.js';
import { registerUsers } from './users.js';
import { registerVerify } from './verify.js';

/**
 * Every CLI command, in help order. Each command lives in its own file and exports one `register*`
 * function; add new commands here.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerUp(program, ctx);
  registerSandbox(program, ctx);
  registerTargets(program, ctx);
  registerMigrate(program, ctx);
  registerSchema(program, ctx);
  registerErd(program, ctx);
  registerDoctor(program, ctx);
  registerLoad(program, ctx);
  registerSeed(program, ctx);
  registerServe(program, ctx);
  registerUsers(program, ctx);
  registerAudit(program, ctx);
  registerCopy(program, ctx);
  registerVerify(program, ctx);
  registerSync(program, ctx);
  registerReplicate(program, ctx);
  registerCutover(program, ctx);
}
