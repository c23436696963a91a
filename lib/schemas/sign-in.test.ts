import { describe, expect, it } from 'vitest';
import { safeNext } from './sign-in';

describe('safeNext', () => {
  it('sends a viewer to history and an operator to the form when no page was asked for', () => {
    expect([safeNext(undefined, 'viewer'), safeNext('/', 'viewer'), safeNext(undefined, 'operator'), safeNext('/', 'admin')]).toEqual(['/history', '/history', '/remove', '/remove']);
  });

  it('keeps a same-site page and refuses another site or the sign-in page itself', () => {
    expect(safeNext('/history/12?result=failed', 'viewer')).toBe('/history/12?result=failed');
    expect([safeNext('//evil.example', 'viewer'), safeNext('https://evil.example', 'operator'), safeNext('/login?next=/x', 'viewer')]).toEqual(['/history', '/remove', '/history']);
  });
});
