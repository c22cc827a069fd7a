import { describe, expect, it } from 'vitest';
import type { Sample } from '../../bench/http/load.js';
import { failures, perRound, summary, verdict } from '../../bench/http/summary.js';

const sample = (over: Partial<Sample> = {}): Sample => ({
  rps: 1000,
  ok: 3000,
  p50: 5,
  p99: 20,
  responses: 3000,
  non2xx: 0,
  s503: 0,
  s503RetryAfter: 0,
  otherStatus: '',
  errors: 0,
  cpuUs: 100,
  clientCpuUs: 10,
  dbCpuUs: 50,
  statements: 2,
  auditRows: 1,
  dbConnections: 20,
  ...over,
});

describe('HTTP bench goal verdicts', () => {
  it('calls a goal met or missed only when every response was 2xx', () => {
    const clean = summary([sample(), sample()]);
    expect(verdict(true, [failures('carepool', clean)])).toBe('met');
    expect(verdict(false, [failures('carepool', clean)])).toBe('**missed**');
  });

  it('reports a goal with failed responses or lost connections as invalid, naming them', () => {
    const failing = summary([sample({ non2xx: 7, otherStatus: '500×7' }), sample({ errors: 2 })]);
    const text = verdict(true, [failures('carepool', failing), failures('bare', summary([sample()]))]);
    expect(text).toMatch(/^\*\*invalid\*\*/);
    expect(text).toContain('7 non-2xx (500×7)');
    expect(text).toContain('2 connection errors');
    expect(text).not.toContain('bare');
  });

  it('accepts 503s with Retry-After at overload, but not 503s without it', () => {
    const shed = summary([sample({ non2xx: 5, s503: 5, s503RetryAfter: 5 })]);
    expect(failures('carepool', shed, true)).toBe('');
    expect(failures('carepool', shed)).toContain('5 non-2xx');
    const bare503 = summary([sample({ non2xx: 5, s503: 5, s503RetryAfter: 4 })]);
    expect(failures('carepool', bare503, true)).toContain('5 non-2xx');
  });

  it('pairs rounds by index for the per-round ratios', () => {
    const a = [sample({ rps: 900 }), sample({ rps: 800 })];
    const b = [sample({ rps: 1000 }), sample({ rps: 1000 })];
    expect(perRound(a, b, (s) => s.rps)).toBe('0.90, 0.80');
  });
});
