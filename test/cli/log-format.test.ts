import { describe, expect, it } from 'vitest';
import { stoppedNote } from '../../src/cli/commands/up.js';
import { defaultLogFormat, humanDestination, humanLine } from '../../src/cli/log-format.js';

describe('server log lines for people', () => {
  it('turns a pino line into time, level, message and the other fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      pid: 1,
      hostname: 'h',
      app: 'carepool',
      msg: 'pool saturated',
      target: 'azure',
      waiting: 3,
    });
    expect(humanLine(line)).toBe('03:04:05 WARN  pool saturated  target=azure waiting=3');
    expect(humanLine('not json')).toBe('not json');
  });

  it('is the default on a terminal, JSON otherwise; the destination writes one line per entry', () => {
    expect(defaultLogFormat(true)).toBe('human');
    expect(defaultLogFormat(false)).toBe('json');
    const out: string[] = [];
    const dest = humanDestination((t) => out.push(t));
    dest.write(
      `${JSON.stringify({ level: 30, time: 0, msg: 'a' })}\n${JSON.stringify({ level: 50, time: 0, msg: 'b' })}\n`,
    );
    expect(out).toEqual(['00:00:00 INFO  a\n', '00:00:00 ERROR b\n']);
  });
});

describe('what `up` says when Ctrl-C stops it', () => {
  it('names the sandbox servers that keep running and the command that stops them', () => {
    const note = stoppedNote(true);
    expect(note).toMatch(/Still running: the sandbox database servers/);
    expect(note).toContain('carepool sandbox stop');
    expect(stoppedNote(false)).not.toContain('sandbox');
  });
});
