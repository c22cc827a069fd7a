/**
 * The seeds' reference stack (Alembic, SQLAlchemy, PyMySQL, Flask, gunicorn from Debian's packages): checks
 * it, installs it with ./install.sh when absent, and reports its versions for docs/benchmarks.md.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Debian's interpreter, by absolute path: the packages install into it, and a `python3` earlier on PATH
 * (pyenv, a virtualenv) would not see them.
 */
export const PYTHON = '/usr/bin/python3';
const INSTALL = join(import.meta.dirname, 'install.sh');

/** Whether the Python side of the comparisons can run, and its versions. */
export type ReferenceStack =
  | { readonly ok: true; readonly versions: string; readonly alembic: string; readonly sqlalchemy: string }
  | { readonly ok: false; readonly versions: string; readonly reason: string };

let cached: Promise<ReferenceStack> | undefined;

async function probe(): Promise<ReferenceStack> {
  try {
    const { stdout } = await run(PYTHON, [
      '-c',
      'import alembic, sqlalchemy, pymysql, flask, platform; print(platform.python_version(), alembic.__version__, sqlalchemy.__version__, pymysql.__version__, flask.__version__)',
    ]);
    const [python, alembic, sqlalchemy, pymysql, flask] = stdout.trim().split(' ') as [
      string,
      string,
      string,
      string,
      string,
    ];
    return {
      ok: true,
      alembic,
      sqlalchemy,
      versions: `Alembic ${alembic}, SQLAlchemy ${sqlalchemy}, PyMySQL ${pymysql}, Flask ${flask} (Debian packages, Python ${python})`,
    };
  } catch {
    return {
      ok: false,
      versions: 'reference stack absent',
      reason: `Debian's python3-alembic/python3-sqlalchemy/python3-pymysql are not installed; run \`sudo sh bench/reference/install.sh\`.`,
    };
  }
}

/** The reference stack as installed now (probed once per run). */
export function referenceStack(): Promise<ReferenceStack> {
  cached ??= probe();
  return cached;
}

/**
 * Installs the reference stack when it is absent, via ./install.sh (apt-get from the machine's Debian
 * sources only; needs root or sudo). Output goes to stderr; a failed install leaves the Python columns out
 * of the report with the reason, rather than failing the whole run.
 */
export async function ensureReferenceStack(): Promise<ReferenceStack> {
  const check = await run('sh', [INSTALL, '--check']).then(
    () => true,
    () => false,
  );
  if (!check) {
    process.stderr.write(
      "reference stack absent: installing Debian's packages with bench/reference/install.sh\n",
    );
    const code = await new Promise<number>((resolve) => {
      const child = spawn('sh', [INSTALL], { stdio: ['ignore', process.stderr, process.stderr] });
      child.on('exit', (c) => resolve(c ?? 1));
      child.on('error', () => resolve(1));
    });
    if (code !== 0)
      process.stderr.write(
        'could not install the reference stack (see above); the Alembic/SQLAlchemy/Flask comparisons will be skipped.\n' +
          'Install it as root with: sh bench/reference/install.sh\n',
      );
    cached = undefined;
  }
  return referenceStack();
}
