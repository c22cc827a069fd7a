import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import {
  ERD_FORMATS,
  type ErdFormat,
  erdFor,
  withoutInternal,
  isErdFormat,
  listDifferences,
  type NamedSchema,
  readTargetSchemas,
  renderErd,
} from '../../erd/index.js';
import { AppError } from '../../errors/index.js';
import { models } from '../../schema/index.js';
import type { CliContext } from '../context.js';

interface ErdOptions {
  target?: string;
  models?: boolean;
  format?: string;
  out?: string;
  json?: boolean;
  includeInternal?: boolean;
}

const BY_EXTENSION: Readonly<Record<string, ErdFormat>> = {
  '.svg': 'svg',
  '.png': 'png',
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.dot': 'dot',
  '.gv': 'dot',
  '.md': 'md',
};

/** `carepool erd`: the ERD of a live target, of two targets compared, or of the models. */
export function registerErd(program: Command, ctx: CliContext): void {
  program
    .command('erd')
    .description(
      'draw the entity-relationship diagram of a target (two targets: their differences) or of the models',
    )
    .option(
      '--target <name>',
      'a target, or two as a,b to compare them (default: all configured, at most two)',
    )
    .option('--models', 'draw the TypeScript models instead of a live database')
    .option('--format <format>', `${ERD_FORMATS.join('|')} (default: from --out, else mermaid)`)
    .option('--out <file>', 'write to this file (required for png)')
    .option('--json', 'print the ERD model and its differences as JSON')
    .option('--include-internal', "also draw carepool's own carepool_* tables (users, tokens, audit trail)")
    .action(async (opts: ErdOptions) => {
      const format = chooseFormat(opts);
      const schemas = await loadSchemas(opts, ctx);
      const full = erdFor(schemas);
      const model = opts.includeInternal ? full : withoutInternal(full);
      if (model.entities.length === 0) {
        throw new AppError('CAREPOOL_ERD_EMPTY_SCHEMA', `target "${schemas[0].name}" has no tables to draw`, {
          meta: { target: schemas[0].name },
        });
      }
      const differences = model.compared ? listDifferences(model) : [];
      if (opts.json) {
        ctx.out.json({ model, differences });
        return;
      }
      const rendered = await renderErd(model, format);
      if (opts.out !== undefined) {
        await writeFile(opts.out, rendered.content);
        ctx.out.note(`wrote ${opts.out} (${rendered.format}, ${rendered.content.length} bytes)`);
      } else if (rendered.format === 'png') {
        throw new AppError('CAREPOOL_USAGE', 'a PNG is binary: give --out FILE.png', { meta: { format } });
      } else {
        ctx.out.line(rendered.content.trimEnd());
      }
      if (model.compared) {
        const { left, right } = model.compared;
        ctx.out.note(
          differences.length === 0
            ? `${left} and ${right} have the same schema`
            : `${left} and ${right} differ in ${differences.length} place(s):\n${differences.map((d) => `  ${d}`).join('\n')}`,
        );
      }
    });
}

function chooseFormat(opts: ErdOptions): ErdFormat {
  if (opts.format !== undefined) {
    const f = opts.format.toLowerCase();
    if (!isErdFormat(f)) {
      throw new AppError(
        'CAREPOOL_USAGE',
        `--format "${opts.format}" is not one of ${ERD_FORMATS.join(', ')}`,
        {
          meta: { format: opts.format },
        },
      );
    }
    return f;
  }
  return (opts.out === undefined ? undefined : BY_EXTENSION[extname(opts.out).toLowerCase()]) ?? 'mermaid';
}

async function loadSchemas(
  opts: ErdOptions,
  ctx: CliContext,
): Promise<readonly [NamedSchema] | readonly [NamedSchema, NamedSchema]> {
  if (opts.models) {
    if (opts.target !== undefined)
      throw new AppError('CAREPOOL_USAGE', 'give either --models or --target, not both');
    return [{ name: 'models', schema: models }];
  }
  const registry = await ctx.registry();
  const targets = registry.select(opts.target);
  if (targets.length > 2) {
    throw new AppError(
      'CAREPOOL_USAGE',
      `name one target or two to compare (--target a,b); configured: ${registry.names().join(', ')}`,
      {
        meta: { targets: registry.names() },
      },
    );
  }
  const [first, second] = await readTargetSchemas(targets);
  if (first === undefined) throw new AppError('CAREPOOL_CONFIG_NO_TARGETS', 'no target to draw');
  return second === undefined ? [first] : [first, second];
}
