import en from '../../messages/en';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../audit/actions';
import { auditActionLabel, auditDetailMessage } from './translate';

const SAMPLE = { username: 'ann', role: 'viewer', reason: 'disabled', cleared: 5, source: 'csv', users: 2, file: 'a.csv', invalidRows: 1, parentRunId: 7, sessions: 1, audit: 2, attempts: 3, count: 4, names: 'x, y' };

describe('audit words', () => {
  it.each(AUDIT_ACTIONS)('%s has a label and words for its details', (action) => {
    expect(auditActionLabel(action, en)).not.toMatch(/^actions\./);
    expect(auditDetailMessage(action, SAMPLE, en)).not.toMatch(/^details\.|[{}]/);
  });

  it('says each detail as an operator would read it', () => {
    expect(auditDetailMessage('operator-unlocked', { username: 'ann', cleared: 5 }, en)).toBe('ann (5 failed sign-ins cleared)');
    expect(auditDetailMessage('operator-added', { username: 'root', role: 'admin', first: 'yes' }, en)).toBe('root as admin (the first admin, from CONSOLE_ADMIN_USERNAME)');
    expect(auditDetailMessage('operator-added', { username: 'bea', role: 'viewer' }, en)).toBe('bea as viewer');
    expect(auditDetailMessage('run-started', { source: 'csv', users: 1200, file: 'x.csv', invalidRows: 1 }, en)).toBe('CSV x.csv: 1,200 users, 1 invalid row');
    expect(auditDetailMessage('run-started', { source: 'form', users: 1 }, en)).toBe('form: 1 user');
    expect(auditDetailMessage('sign-in-failed', { reason: 'credentials' }, en)).toBe('wrong username or password');
    expect(auditDetailMessage('sign-in', null, en)).toBe('');
    expect(auditDetailMessage('sign-in-refused', { reason: 'locked-out' }, en)).toBe('too many failed sign-ins');
    expect(auditDetailMessage('sign-in-refused', { reason: 'busy', count: 12 }, en)).toBe('too many sign-ins being checked at once, 12 times this minute');
    expect(auditDetailMessage('sign-in-unknown', { reason: 'credentials', count: 1500, names: 'x1, x2' }, en)).toBe(
      '1,500 attempts this minute with usernames that are not operators (wrong username or password), such as x1, x2',
    );
  });

  it('keeps the text of rows written before details were data', () => {
    expect(auditDetailMessage('run-started', { text: 'csv users.csv, 3 users, 0 invalid rows' }, en)).toBe('csv users.csv, 3 users, 0 invalid rows');
  });
});
