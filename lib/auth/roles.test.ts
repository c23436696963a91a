import { describe, expect, it } from 'vitest';
import { hasRole } from './roles';

describe('roles', () => {
  it('ranks roles viewer < operator < admin', () => {
    expect(hasRole('admin', 'operator')).toBe(true);
    expect(hasRole('operator', 'operator')).toBe(true);
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('operator', 'admin')).toBe(false);
  });
});
