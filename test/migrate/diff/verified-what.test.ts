import { describe, expect, it } from 'vitest';
import { verifiedWhat } from '../../../src/migrate/diff/verify.js';

describe('verifiedWhat', () => {
  it('names each table and object once (a replaced trigger is a drop and a create)', () => {
    expect(
      verifiedWhat({
        tables: ['customers', 'orders'],
        objects: ['trigger t_bi', 'function f', 'function f', 'view v', 'trigger t_bi'],
      }),
    ).toBe('customers, orders, trigger t_bi, function f, view v');
  });
});
