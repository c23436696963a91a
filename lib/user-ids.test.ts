import { describe, expect, it } from 'vitest';
import { parseUserIdList, userIdProblem } from './user-ids';
import { MAX_FORM_USERS, removeFormSchema } from './schemas/remove-form';

describe('parseUserIdList', () => {
  it('splits on new lines, commas, spaces, tabs and semicolons, and merges duplicates', () => {
    const parsed = parseUserIdList('alice\r\nbob, carol;dave\teve  alice\n\n;;bob');
    expect(parsed.ids).toEqual(['alice', 'bob', 'carol', 'dave', 'eve']);
    expect(parsed.duplicates).toEqual(['alice', 'bob']);
    expect(parsed.problems).toEqual([]);
  });

  it('keeps UTF-8 IDs and a 36-character RegistrationID', () => {
    expect(parseUserIdList('用户一 379C2F0D-290D-47AE-94D1-919058C39C77').ids).toHaveLength(2);
  });

  it('names the entry and the reason for bad IDs', () => {
    const long = 'x'.repeat(65);
    const parsed = parseUserIdList(`ok\n${long}\nbad\u0001id`);
    expect(parsed.ids).toEqual(['ok']);
    expect(parsed.problems).toEqual([
      { position: 2, id: long, code: 'userIds.tooLong', params: { bytes: 65, max: 64 } },
      { position: 3, id: 'bad\u0001id', code: 'userIds.controlChars' },
    ]);
  });

  it('counts bytes, not characters', () => {
    expect(userIdProblem('é'.repeat(32))).toBeNull();
    expect(userIdProblem('é'.repeat(33))).toEqual({ code: 'userIds.tooLong', params: { bytes: 66, max: 64 } });
    expect(userIdProblem('  ')).toEqual({ code: 'userIds.empty' });
  });
});

describe('removeFormSchema', () => {
  const issues = (values: unknown) => {
    const r = removeFormSchema.safeParse(values);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts a list and at least one attribute', () => {
    expect(issues({ userIds: 'alice bob', attrs: ['city'], appId: 'default' })).toEqual([]);
  });

  it('refuses an empty list, no attributes, and bad IDs with their position', () => {
    expect(issues({ userIds: ' \n ', attrs: [], appId: 'default' })).toEqual(['userIds: Enter at least one user ID.', 'attrs: Select at least one attribute.']);
    expect(issues({ userIds: `a\n${'z'.repeat(70)}`, attrs: ['city'], appId: 'default' })[0]).toMatch(/entry 2 .* 70 bytes/);
    expect(issues({ userIds: `a\n${'z'.repeat(70)} b\u0001`, attrs: ['city'], appId: 'default' })).toEqual([
      `userIds: Fix these user IDs: entry 2 "${'z'.repeat(40)}…" is 70 bytes long; a user ID can be at most 64 bytes; entry 3 "b\u0001" contains control characters.`,
    ]);
  });

  it('lists the first five bad IDs and counts the rest', () => {
    const bad = Array.from({ length: 7 }, (_, i) => `bad${i}\u0001`).join('\n');
    expect(issues({ userIds: bad, attrs: ['city'], appId: 'default' })[0]).toMatch(/entry 5 "bad4\u0001" contains control characters \(and 2 more\)\.$/);
  });

  it(`refuses more than ${MAX_FORM_USERS} unique users and points to the CSV page`, () => {
    const many = Array.from({ length: MAX_FORM_USERS + 1 }, (_, i) => `u${i}`).join('\n');
    expect(issues({ userIds: many, attrs: ['city'], appId: 'default' })[0]).toMatch(/1001 users .* CSV upload/);
    const dupes = Array.from({ length: MAX_FORM_USERS + 1 }, () => 'same').join('\n');
    expect(issues({ userIds: dupes, attrs: ['city'], appId: 'default' })).toEqual([]);
  });
});
