import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerSandbox } from './sandbox.js';
import { registerTargets } from './targets.js';

/**
 * Every CLI command, in help order. Each command lives in its own file and exports one `register*`
 * function; add new commands here.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerSandbox(program, ctx);
  registerTargets(program, ctx);
}
