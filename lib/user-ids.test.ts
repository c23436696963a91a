import { describe, expect, it } from 'vitest';
import { displayId, MAX_USER_ID_BYTES, parseUserIdList, trimId, userIdProblem } from './user-ids';
import { MAX_FORM_USERS, MAX_USER_IDS_BYTES, removeFormSchema } from './schemas/remove-form';

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

describe('userIdProblem: characters refused, never sent and never changed (SPEC "CSV format")', () => {
  it('refuses U+FFFD, which a decoder leaves for bytes that are not UTF-8, with its position in code points', () => {
    const decoded = new TextDecoder().decode(new Uint8Array([0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62, 0xff, 0x63])); // a😀b, a stray byte, c
    expect(decoded).toBe('a😀b\uFFFDc');
    expect(userIdProblem(decoded)).toEqual({ code: 'userIds.invalidUtf8', params: { char: 'U+FFFD', at: 4 } });
    expect(userIdProblem('\uFFFD')).toEqual({ code: 'userIds.invalidUtf8', params: { char: 'U+FFFD', at: 1 } });
  });

  it('refuses an unpaired surrogate, which UTF-8 cannot carry (it would be sent as U+FFFD)', () => {
    expect(userIdProblem('ab\uD800')).toEqual({ code: 'userIds.invalidUtf8', params: { char: 'U+D800', at: 3 } });
    expect(userIdProblem('\uDC00x')).toEqual({ code: 'userIds.invalidUtf8', params: { char: 'U+DC00', at: 1 } });
    expect(userIdProblem('😀')).toBeNull();
  });

  const char = (hex: string) => String.fromCodePoint(parseInt(hex, 16));

  it.each(['0080', '0085', '009F'])('refuses the C1 control U+%s', (hex) => {
    expect(userIdProblem(`ab${char(hex)}`)).toEqual({ code: 'userIds.c1Control', params: { char: `U+${hex}`, at: 3 } });
  });

  it.each(['202A', '202B', '202C', '202D', '202E', '2066', '2067', '2068', '2069'])('refuses the bidi control U+%s', (hex) => {
    expect(userIdProblem(`${char(hex)}alice`)).toEqual({ code: 'userIds.bidiControl', params: { char: `U+${hex}`, at: 1 } });
  });

  it.each(['200B', '200C', '200D', '2060', 'FEFF'])('refuses the zero-width character U+%s, also at either end', (hex) => {
    const [ch, name] = [char(hex), `U+${hex}`];
    expect(userIdProblem(`al${ch}ice`)).toEqual({ code: 'userIds.zeroWidth', params: { char: name, at: 3 } });
    expect(userIdProblem(`alice${ch}`)).toEqual({ code: 'userIds.zeroWidth', params: { char: name, at: 6 } });
    expect(userIdProblem(ch)).toEqual({ code: 'userIds.zeroWidth', params: { char: name, at: 1 } });
  });

  it('counts the position in code points, names the first refused character, and still refuses C0 and DEL first', () => {
    expect(userIdProblem('😀😀\u200B\u202E')).toEqual({ code: 'userIds.zeroWidth', params: { char: 'U+200B', at: 3 } });
    expect(userIdProblem('x\u202Ey\u0085')).toEqual({ code: 'userIds.bidiControl', params: { char: 'U+202E', at: 2 } });
    expect(userIdProblem('x\u202Ey\u0001')).toEqual({ code: 'userIds.controlChars' });
    expect(userIdProblem('x\u007F')).toEqual({ code: 'userIds.controlChars' });
    // Refused for the character even when also too long.
    expect(userIdProblem(`${'x'.repeat(70)}\u200B`)).toEqual({ code: 'userIds.zeroWidth', params: { char: 'U+200B', at: 71 } });
  });

  it('keeps the characters next to the refused ranges, and other scripts', () => {
    for (const ok of ['\u007E', '\u00A0x', '\u00A1', '\u200A', '\u200E', '\u2029', '\u2061', '\u2065', '\u206A', '\uFEFE', '\uFFFC', 'مرحبا', '用户']) {
      expect(userIdProblem(`a${ok}b`), JSON.stringify(ok)).toBeNull();
    }
  });

  it('shows refused invisible characters as U+ names, never as themselves', () => {
    expect(displayId('ab\u202Ecd\u200B\uFEFF\u0085\uD800')).toBe('ab<U+202E>cd<U+200B><U+FEFF><U+0085><U+D800>');
    expect(displayId('a\uFFFDb')).toBe('a\uFFFDb');
    expect(displayId(`\u202E${'x'.repeat(45)}`)).toBe(`<U+202E>${'x'.repeat(39)}…`);
  });

  it('trims spaces around an ID but keeps U+FEFF, so it is refused rather than removed', () => {
    expect(trimId(' \u3000alice\t ')).toBe('alice');
    expect(trimId(' \uFEFFalice \uFEFF ')).toBe('\uFEFFalice \uFEFF');
    expect('\uFEFFalice'.trim()).toBe('alice'); // what plain trim() would have done
  });
});

describe('parseUserIdList: the new refusals', () => {
  it('lists each kind with its entry, never splits on U+FEFF, and sends none of them', () => {
    const parsed = parseUserIdList('ok\nbad\uFFFDutf8\nc1\u0085\n\u202Eevil\nzw\u200Bsp\nbo\uFEFFm \uFEFF');
    expect(parsed.ids).toEqual(['ok']);
    expect(parsed.problems).toEqual([
      { position: 2, id: 'bad\uFFFDutf8', code: 'userIds.invalidUtf8', params: { char: 'U+FFFD', at: 4 } },
      { position: 3, id: 'c1\u0085', code: 'userIds.c1Control', params: { char: 'U+0085', at: 3 } },
      { position: 4, id: '\u202Eevil', code: 'userIds.bidiControl', params: { char: 'U+202E', at: 1 } },
      { position: 5, id: 'zw\u200Bsp', code: 'userIds.zeroWidth', params: { char: 'U+200B', at: 3 } },
      { position: 6, id: 'bo\uFEFFm', code: 'userIds.zeroWidth', params: { char: 'U+FEFF', at: 3 } },
      { position: 7, id: '\uFEFF', code: 'userIds.zeroWidth', params: { char: 'U+FEFF', at: 1 } },
    ]);
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

  it('says what the new refusals are, with the invisible character named, not shown', () => {
    expect(issues({ userIds: 'ok a\u202Eb c\u200B\u202E x\uFFFD y\u009B', attrs: ['city'], appId: 'default' })).toEqual([
      'userIds: Fix these user IDs: entry 2 "a<U+202E>b" contains a bidirectional control character (U+202E) at character 2; ' +
        'entry 3 "c<U+200B><U+202E>" contains a zero-width character (U+200B) at character 2; ' +
        'entry 4 "x\uFFFD" is not valid UTF-8: character 2 could not be read; ' +
        'entry 5 "y<U+009B>" contains a C1 control character (U+009B) at character 2.',
    ]);
  });

  it('lists the first five bad IDs and counts the rest', () => {
    const bad = Array.from({ length: 7 }, (_, i) => `bad${i}\u0001`).join('\n');
    expect(issues({ userIds: bad, attrs: ['city'], appId: 'default' })[0]).toMatch(/entry 5 "bad4\u0001" contains control characters \(and 2 more\)\.$/);
  });

  it(`refuses more than ${MAX_FORM_USERS} unique users and points to the CSV page`, () => {
    const many = Array.from({ length: MAX_FORM_USERS + 1 }, (_, i) => `u${i}`).join('\n');
    expect(issues({ userIds: many, attrs: ['city'], appId: 'default' })[0]).toMatch(/1,001 users is more than the form takes \(1,000\)\. Use the CSV upload/);
    const dupes = Array.from({ length: MAX_FORM_USERS + 1 }, () => 'same').join('\n');
    expect(issues({ userIds: dupes, attrs: ['city'], appId: 'default' })).toEqual([]);
  });

  it(`takes ${MAX_FORM_USERS} IDs of ${MAX_USER_ID_BYTES} bytes with CRLF between them: ${MAX_USER_IDS_BYTES} bytes`, () => {
    expect(MAX_USER_IDS_BYTES).toBe(66_000);
    const longest = Array.from({ length: MAX_FORM_USERS }, (_, i) => `${i}`.padStart(MAX_USER_ID_BYTES, 'u')).join('\r\n');
    expect(issues({ userIds: `${longest}\r\n`, attrs: ['city'], appId: 'default' })).toEqual([]);
  });

  it('refuses a longer text before splitting it, naming the limit in bytes', () => {
    const refusal = 'userIds: The list is over 66,000 bytes, more than 1,000 user IDs can take. Use the CSV upload for larger lists.';
    expect(issues({ userIds: 'a'.repeat(MAX_USER_IDS_BYTES + 1), attrs: ['city'], appId: 'default' })).toEqual([refusal]);
    // Bytes, not characters: 22,001 three-byte characters are 66,003 bytes.
    expect(issues({ userIds: '中'.repeat(22_001), attrs: ['city'], appId: 'default' })).toEqual([refusal]);
    expect(issues({ userIds: '中'.repeat(22_000), attrs: ['city'], appId: 'default' })[0]).toMatch(/is 66,000 bytes long; a user ID can be at most 64 bytes/);
    // Only this one issue: the megabyte of bad IDs is never parsed into a list of problems.
    expect(issues({ userIds: '\u0001 '.repeat(500_000), attrs: ['city'], appId: 'default' })).toEqual([refusal]);
  });
});
