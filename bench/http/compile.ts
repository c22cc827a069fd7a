/**
 * Compiles the Node servers of the HTTP benchmark (carepool's src/ and the two server scripts) to plain
 * JavaScript in a temporary directory, with the TypeScript compiler and the project's own target, so they
 * run as `carepool serve` runs from dist/: without a loader. Under `node --import tsx` the same carepool
 * server spent 10-25 % more CPU per request (docs/benchmarks-history.md, 2026-12-01).
 *
 * Each file is transpiled on its own (`verbatimModuleSyntax` makes that exact): a couple of seconds, no type
 * check (`npm run typecheck` does that), and dist/ is left alone, since other work on the machine may be
 * using it. The directory links the project's node_modules and migrations, as dist/ sees them.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVERS = ['carepool-server.ts', 'bare-server.ts'] as const;

/** A server script of the benchmark. */
export type ServerScript = (typeof SERVERS)[number];

/** Paths of the compiled servers, by script name, and a way to remove them. */
export type CompiledServers = Readonly<Record<ServerScript, string>> & {
  remove(): Promise<void>;
};

async function* typescriptFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** Transpiles src/ and the server scripts; returns the scripts' compiled paths. */
export async function compileServers(): Promise<CompiledServers> {
  const out = await mkdtemp(join(tmpdir(), 'carepool-bench-http-'));
  const here = import.meta.dirname;
  const files = [...SERVERS.map((s) => join(here, s))];
  for await (const file of typescriptFiles(join(ROOT, 'src'))) files.push(file);
  await Promise.all(
    files.map(async (file) => {
      const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
        fileName: file,
        compilerOptions: {
          target: ts.ScriptTarget.ES2023,
          module: ts.ModuleKind.ESNext,
          verbatimModuleSyntax: true,
          sourceMap: false,
        },
      });
      const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, outputText);
    }),
  );
  // Packages resolve through node_modules, migrations from <root>/migrations relative to the code: link both.
  await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  await symlink(join(ROOT, 'migrations'), join(out, 'migrations'));
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  return {
    ...(Object.fromEntries(
      SERVERS.map((s) => [s, join(out, 'bench', 'http', s.replace(/\.ts$/, '.js'))]),
    ) as Record<ServerScript, string>),
    remove: () => rm(out, { recursive: true, force: true }),
  };
}
