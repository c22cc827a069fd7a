import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliContext } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/main.js';
import { type CarepoolConfig, loadConfig } from '../../src/config/index.js';
import { TargetRegistry } from '../../src/db/targets.js';
import {
  buildErdModel,
  dotToSvg,
  erdFor,
  listDifferences,
  readTargetSchemas,
  renderDot,
  renderErd,
  svgToPng,
} from '../../src/erd/index.js';
import { models } from '../../src/schema/index.js';
import { ensureSchemaAtHead } from '../harness/migrate.js';
import { sandboxRegistry, sandboxServers } from '../harness/targets.js';
import { CaptureOutput } from './capture.js';
import { darkPixels, decodePng } from './png.js';
import { migratedScratchDb, type ScratchDb } from './scratch-db.js';

let azureDb: ScratchDb;
let gcpDb: ScratchDb;
let config: CarepoolConfig;
let registry: TargetRegistry;
let dir: string;

beforeAll(async () => {
  const { azure, gcp } = sandboxServers();
  [azureDb, gcpDb] = await Promise.all([migratedScratchDb(azure, models), migratedScratchDb(gcp, models)]);
  config = loadConfig({
    env: {
      CAREPOOL_TARGETS: 'azure,gcp',
      CAREPOOL_TARGET_AZURE_URL: azureDb.url,
      CAREPOOL_TARGET_GCP_URL: gcpDb.url,
    },
    dotenv: false,
  });
  registry = new TargetRegistry(config);
  dir = await mkdtemp(join(tmpdir(), 'carepool-erd-'));
});

afterAll(async () => {
  await registry?.close();
  await Promise.all([azureDb?.drop(), gcpDb?.drop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Where Graphviz put a text in the SVG, in PNG pixels (graph coordinates are translated, then scaled). */
function textBox(
  svg: string,
  text: string,
  pngWidth: number,
): { x: number; y: number; width: number; height: number } {
  const viewBox = /viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"/.exec(svg);
  const translate = /translate\(([\d.]+) ([\d.]+)\)/.exec(svg);
  const tag = new RegExp(
    `<text[^>]*x="([-\\d.]+)" y="([-\\d.]+)"[^>]*font-size="([\\d.]+)"[^>]*>${text}</text>`,
  ).exec(svg);
  if (!viewBox || !translate || !tag) throw new Error(`no <text> for ${text}`);
  const scale = pngWidth / Number(viewBox[1]);
  const size = Number(tag[3]);
  const cx = (Number(tag[1]) + Number(translate[1])) * scale;
  const baseline = (Number(tag[2]) + Number(translate[2])) * scale;
  const width = text.length * size * 0.6 * scale;
  return { x: cx - width / 2, y: baseline - size * scale, width, height: size * 1.2 * scale };
}

describe('ERD of the sandbox targets (clinic at migration head)', () => {
  it('has both tables and the 1 — 0..* FK, and equals the ERD of the models on azure and gcp', async () => {
    await ensureSchemaAtHead();
    const sandbox = sandboxRegistry();
    try {
      const schemas = await readTargetSchemas(sandbox.list());
      expect(schemas.map((s) => s.name)).toEqual(['azure', 'gcp']);
      const expected = buildErdModel(models, 'clinic');
      for (const s of schemas) {
        const live = buildErdModel(s.schema, 'clinic');
        expect(live.entities.map((e) => e.name)).toEqual(
          expect.arrayContaining(['patients', 'medical_records']),
        );
        expect(live).toEqual(expected);
      }
      const [azure, gcp] = schemas;
      if (!azure || !gcp) throw new Error('two schemas expected');
      expect(listDifferences(erdFor([azure, gcp]))).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});

describe('ERD of live scratch databases', () => {
  it('reads both tables and the FK, and equals the models ERD after migrating', async () => {
    const [azure, gcp] = await readTargetSchemas(registry.list());
    const expected = buildErdModel(models, 'clinic');
    expect(buildErdModel(azure?.schema ?? { tables: [] }, 'clinic')).toEqual(expected);
    expect(buildErdModel(gcp?.schema ?? { tables: [] }, 'clinic')).toEqual(expected);
    expect(expected.entities.map((e) => e.name)).toEqual(
      expect.arrayContaining(['patients', 'medical_records']),
    );
    const rel = expected.relationships.find((r) => r.child === 'medical_records');
    expect(rel).toMatchObject({
      parent: 'patients',
      parentCardinality: 'exactly-one',
      childCardinality: 'zero-or-more',
    });
  });

  it("renders SVG with both tables and the crow's-foot edge, and PNG with visible text", async () => {
    const [azure] = await readTargetSchemas([registry.get('azure')]);
    const model = erdFor([azure ?? { name: 'azure', schema: { tables: [] } }]);
    const svg = await dotToSvg(renderDot(model));
    expect(svg).toMatch(/<text[^>]*>patients<\/text>/);
    expect(svg).toMatch(/<text[^>]*>medical_records<\/text>/);
    // The FK edge (its tooltip) with the multiplicities at both ends: 1 at patients, 0..* at medical_records.
    expect(svg).toContain('<title>patients:e&#45;&gt;medical_records:w</title>');
    expect(svg).toContain(
      'xlink:title="fk_medical_records_patient_id: medical_records(patient_id) references patients(id)"',
    );
    expect(svg).toMatch(/<text[^>]*>1<\/text>/);
    expect(svg).toMatch(/<text[^>]*>0\.\.\*<\/text>/);

    const png = decodePng(await svgToPng(svg));
    expect(png.width).toBeGreaterThan(400);
    for (const title of ['patients', 'medical_records']) {
      const box = textBox(svg, title, png.width);
      expect(darkPixels(png, box), `text pixels of ${title}`).toBeGreaterThan(40);
      // The control: the same SVG without any font draws no text there, so the pixels above are the title.
      const blank = decodePng(await svgToPng(svg, { fontFiles: [] }));
      expect(darkPixels(blank, box)).toBe(0);
    }
  });

  it('shows the differences of two targets whose schemas differ', async () => {
    await gcpDb.exec('ALTER TABLE patients MODIFY first_name VARCHAR(80) NOT NULL');
    await gcpDb.exec('CREATE INDEX ix_records_admission ON medical_records (admission_date)');
    const [azure, gcp] = await readTargetSchemas(registry.list());
    if (!azure || !gcp) throw new Error('two schemas expected');
    const model = erdFor([azure, gcp]);
    expect(listDifferences(model)).toEqual([
      'index medical_records.ix_records_admission: only on gcp',
      'column patients.first_name: azure varchar(50) NOT NULL; gcp varchar(80) NOT NULL',
    ]);
    const svg = (await renderErd(model, 'svg')).content;
    expect(svg).toContain('only on gcp');
    expect(svg).toContain('#fff1c2'); // the changed column's highlight
  });

  it('carepool erd --target azure --out x.png writes a PNG; --target azure,gcp prints the differences', async () => {
    class Ctx extends CliContext {
      override config(): CarepoolConfig {
        return config;
      }
    }
    const out = new CaptureOutput();
    const file = join(dir, 'azure.png');
    expect(await runCli(['erd', '--target', 'azure', '--out', file], new Ctx({ out }))).toBe(0);
    expect(decodePng(await readFile(file)).width).toBeGreaterThan(400);
    expect(out.stderr.join('\n')).toContain(`wrote ${file} (png,`);

    const cmp = new CaptureOutput();
    expect(await runCli(['erd', '--target', 'azure,gcp', '--format', 'mermaid'], new Ctx({ out: cmp }))).toBe(
      0,
    );
    expect(cmp.stdout.join('\n')).toContain('erDiagram');
    expect(cmp.stderr.join('\n')).toContain('azure and gcp differ in');
    for (const u of [azureDb.url, gcpDb.url]) {
      const password = decodeURIComponent(/:\/\/[^:]+:([^@]+)@/.exec(u)?.[1] ?? 'x');
      expect(cmp.all + out.all).not.toContain(password);
    }
  });
});
