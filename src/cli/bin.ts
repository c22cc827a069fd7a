#!/usr/bin/env node
import { runCli } from './main.js';

let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  process.exitCode = 130;
});
const code = await runCli(process.argv.slice(2));
process.exitCode = interrupted ? 130 : code;
