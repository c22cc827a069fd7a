/**
 * Helpers for end-to-end tests of the built CLI (dist/cli/bin.js, written by `npm run build`): a private
 * working directory and carepool home per test file, commands run to completion, and long-running ones
 * (`up`, `serve`) watched line by line.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { captureOutput } from '../harness/capture.js';

/** The built CLI. */
export const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

/** What a finished command printed and how it exited. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A private working directory (also HOME and CAREPOOL_HOME's parent) for one test file. */
export interface Workdir {
  readonly dir: string;
  /** `<dir>/.carepool`, the carepool home (`CAREPOOL_HOME` default relative to the working dir). */
  readonly home: string;
  /** The environment every command gets: only PATH, HOME and what the test adds. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Runs the CLI to completion; never throws on a non-zero exit. */
  run(args: readonly string[], extra?: Record<string, string>, timeoutMs?: number): Promise<CliResult>;
  remove(): Promise<void>;
}

/** Makes a private working directory for CLI runs. */
export async function workdir(prefix: string): Promise<Workdir> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: dir, ...extra });
  return {
    dir,
    home: join(dir, '.carepool'),
    env,
    async run(args, extra = {}, timeoutMs = 180_000) {
      const result = await promisify(execFile)(process.execPath, [BIN, ...args], {
        env: env(extra),
        cwd: dir,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code?: number | string; stdout?: string; stderr?: string }) => ({
          code: typeof e.code === 'number' ? e.code : -1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? '',
        }),
      );
      captureOutput(`carepool ${args.join(' ')}`, result.stdout + result.stderr);
      return result;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A long-running CLI process whose output is collected as it comes. */
export interface LiveCli {
  readonly child: ChildProcess;
  /** Everything printed so far (stdout + stderr, interleaved as it arrived). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the exit code (or the signal's name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts the CLI in `w` without waiting for it to end. */
export function startCli(w: Workdir, args: readonly string[], extra: Record<string, string> = {}): LiveCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: w.env(extra),
    cwd: w.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(pattern);
          if (!m) return;
          done();
          resolve(m);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output so far:\n${text}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        void exited.then(([code, signal]) => {
          done();
          reject(new Error(`exited (${code ?? signal}) before ${pattern}; output:\n${text}`));
        });
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, sig] = await exited;
      return code ?? sig ?? -1;
    },
  };
}
