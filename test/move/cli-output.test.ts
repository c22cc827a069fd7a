import { describe, expect, it } from 'vitest';
import { progressLine, tableList } from '../../src/cli/commands/copy.js';
import { cutoverReport } from '../../src/cli/commands/cutover.js';
import { differenceLine } from '../../src/cli/commands/verify.js';
import { isAppError } from '../../src/errors/index.js';

describe('move command output', () => {
  it('the copy progress line has the bar, rows/s and the ETA', () => {
    const line = progressLine({ rows: 5000, totalRows: 20_000, chunks: 5, totalChunks: 20, elapsedMs: 2000 });
    expect(line).toContain('25% 5000/20000');
    expect(line).toContain('2500 rows/s');
    expect(line).toContain('ETA 6s');
    expect(line).toContain('chunks 5/20');
    expect(progressLine({ rows: 0, totalRows: 10, chunks: 0, totalChunks: 1, elapsedMs: 0 })).toContain(
      'ETA ?',
    );
  });

  it('--tables is a comma list; an empty one is a usage error', () => {
    expect(tableList(' a, b,a ,')).toEqual(['a', 'b']);
    expect(tableList(undefined)).toBeUndefined();
    let error: unknown;
    try {
      tableList(' , ');
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'CAREPOOL_MOVE_OPTION_INVALID')).toBe(true);
  });

  it('verify names each row by table and key', () => {
    const base = { table: 'visits', keyParts: [1, 'a'], key: { patient_id: 1, label: 'a ' } };
    expect(differenceLine({ ...base, kind: 'missing' }, 'azure', 'gcp')).toBe(
      'visits (patient_id=1, label="a "): missing on gcp',
    );
    expect(differenceLine({ ...base, kind: 'extra' }, 'azure', 'gcp')).toBe(
      'visits (patient_id=1, label="a "): extra on gcp (not on azure)',
    );
    expect(differenceLine({ ...base, kind: 'changed', columns: ['note', 'seen'] }, 'azure', 'gcp')).toBe(
      'visits (patient_id=1, label="a "): differs in note, seen',
    );
  });

  it('cutover reports each phase, the outcome and the rollback', () => {
    const text = cutoverReport({
      from: 'azure',
      to: 'gcp',
      ok: false,
      rolledBack: true,
      position: '0-1-9',
      writeDowntimeMs: null,
      phases: [
        { phase: 'preflight', ok: true, ms: 4, detail: 'replication running' },
        { phase: 'wait-for-replica', ok: false, ms: 30_000, detail: 'gcp did not reach 0-1-9 within 30 s' },
        { phase: 'rollback', ok: true, ms: 3, detail: 'azure writable again' },
      ],
    });
    expect(text).toContain('wait-for-replica  FAILED');
    expect(text).toContain('cutover azure → gcp failed; azure is writable again');
  });
});
