/** `npx tsx bench/move/run.ts [--full]`: the move benchmark alone (also `npm run bench -- move`). */
import { runMoveBench } from './move.bench.js';

process.stdout.write(`${await runMoveBench(process.argv.includes('--full'))}\n`);
