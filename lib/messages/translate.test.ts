import en from '../../messages/en';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors';
import { errorMessage } from './translate';

describe('error messages', () => {
  it.each(ERROR_CODES)('%s has English words', (code) => {
    const words = errorMessage({ code, params: { app: 'Staging', names: 'shoe', username: 'ann', role: 'viewer', needed: 'operator', title: 'T', action: 'A', reason: 'R', invalid: 1, rows: 2, max: 3, mib: 4, maxMib: 5, detail: 'D', date: '2026-01-01', type: 'application/json', limit: '1 MB', seconds: 60, count: 1001, name: 'nightly', path: '/api/v1/nothing' } }, en);
    // The fallback is the key: `errors.<code>`, or for csv.* (messages/en/csv.json) the code itself.
    expect(words).not.toBe(`errors.${code}`);
    expect(words).not.toBe(code);
    expect(words.trim()).not.toBe('');
  });

  it('fills parameters and plurals', () => {
    expect(errorMessage({ code: 'csv.noValidRows', params: { invalid: 1, rows: 1 } }, en)).toBe('No valid rows to send: 1 of 1 row is invalid. Nothing was sent.');
    expect(errorMessage({ code: 'csv.noValidRows', params: { invalid: 1200, rows: 1200 } }, en)).toBe('No valid rows to send: 1,200 of 1,200 rows are invalid. Nothing was sent.');
    expect(errorMessage({ code: 'app.attrsUnknown', params: { app: 'Staging', names: 'shoe, hat' } }, en)).toBe('Not an attribute of Staging: shoe, hat.');
  });
});
