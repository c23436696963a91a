import en from '../../messages/en';
import { describe, expect, it } from 'vitest';
import csvWords from '../../messages/en/csv.json';
import userIdWords from '../../messages/en/userIds.json';
import { checkCsvBytes, checkCsvText } from '../../test-support/csv';
import { CSV_FATAL_CODES, CSV_PROBLEM_CODES } from '../csv/validate';
import { USER_ID_PROBLEM_CODES, parseUserIdList } from '../user-ids';
import { csvMessage, errorMessage, userIdProblemMessage } from './translate';

/** Every parameter any CSV code takes, so a missing one cannot hide behind the key as fallback. */
const ALL_PARAMS = { id: 'alice', bytes: 65, max: 64, char: 'U+202E', at: 2, columns: 101, names: '"shoe"', count: 1, known: 'sex, city', knownCount: 2, values: 2, detail: 'D', mib: 70.2, maxMib: 64 };

describe('CSV words', () => {
  it.each([...CSV_PROBLEM_CODES, ...CSV_FATAL_CODES])('%s has English words in messages/en/csv.json', (code) => {
    expect(Object.keys(csvWords)).toContain(code.slice('csv.'.length));
    const words = csvMessage({ code, params: ALL_PARAMS }, en);
    expect(words).not.toBe(code);
    expect(words.trim()).not.toBe('');
  });

  it('has no words without a code', () => {
    const codes: readonly string[] = [...CSV_PROBLEM_CODES, ...CSV_FATAL_CODES, 'csv.noValidRows'];
    expect(Object.keys(csvWords).filter((key) => !codes.includes(`csv.${key}`))).toEqual([]);
  });

  it.each(USER_ID_PROBLEM_CODES)('%s has English words in messages/en/userIds.json', (code) => {
    expect(Object.keys(userIdWords)).toContain(code.slice('userIds.'.length));
    const words = userIdProblemMessage({ code, position: 3, id: 'alice', params: { bytes: 65, max: 64, char: 'U+202E', at: 2 } }, en);
    expect(words).not.toBe(code);
    expect(words).toMatch(/^entry 3/);
  });

  it('has the codes for invalid UTF-8, C1, bidi and zero-width characters and oversized records, each with its own words', () => {
    const csvCodes = ['csv.idInvalidUtf8', 'csv.idC1Control', 'csv.idBidiControl', 'csv.idZeroWidth', 'csv.lineTooLong', 'csv.tooManyColumns'] as const;
    const idCodes = ['userIds.invalidUtf8', 'userIds.c1Control', 'userIds.bidiControl', 'userIds.zeroWidth'] as const;
    expect(CSV_PROBLEM_CODES).toEqual(expect.arrayContaining([...csvCodes]));
    expect(USER_ID_PROBLEM_CODES).toEqual(expect.arrayContaining([...idCodes]));
    const csv = csvCodes.map((code) => csvMessage({ code, params: ALL_PARAMS }, en));
    const ids = idCodes.map((code) => userIdProblemMessage({ code, position: 1, id: 'a', params: { char: 'U+202E', at: 2 } }, en));
    for (const words of [...csv, ...ids]) expect(words).not.toMatch(/^(csv|userIds)\./);
    expect(new Set(csv).size).toBe(csvCodes.length);
    expect(new Set(ids).size).toBe(idCodes.length);
  });

  it('renders the issues of a file as the preview shows them', () => {
    const r = checkCsvText(`user,attrs\n,sex\nbad\u0007id,\n${'é'.repeat(40)},\ncarol,shoe|hat\n"da"ve,\n`, { knownAttrs: ['sex', 'city'], maxRows: 100 }).tally;
    expect(r.issues.map((i) => `${i.line}: ${csvMessage(i, en)}`)).toEqual([
      '2: the user ID is empty',
      '3: user ID "bad\u0007id" contains control characters',
      `4: user ID "${'é'.repeat(40)}" is 80 bytes long; a user ID can be at most 64 bytes`,
      '5: unknown attributes "shoe", "hat"; this app has sex, city',
      '6: malformed quotes: a quote inside a quoted cell must be doubled (""), and a quoted cell must be closed',
    ]);
    expect(csvMessage(checkCsvText('alice,bob\n', { knownAttrs: ['sex'], maxRows: 100 }).tally.issues[0]!, en)).toBe(
      'expected one user ID per line but found 2 values; add a header row (To_Account,Attrs) to use columns',
    );
    expect(csvMessage({ code: 'csv.unknownAttrs', params: { names: '"shoe"', count: 1, known: '', knownCount: 0 } }, en)).toBe('unknown attribute "shoe"; this app has none');
  });

  it('renders the refused characters by name and position, never the character itself', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('user\nok\nbad'), 0xc3, 0x28, ...new TextEncoder().encode('id\nc1\u0085\nev\u202Eil\nzw\u200B\n')]);
    const r = checkCsvBytes(bytes, { knownAttrs: ['sex'], maxRows: 100 }).tally;
    const words = r.issues.map((i) => `${i.line}: ${csvMessage(i, en)}`);
    expect(words).toEqual([
      '3: user ID "bad\uFFFD(id" is not valid UTF-8: character 4 could not be read; save the file as UTF-8',
      '4: user ID "c1<U+0085>" contains a C1 control character (U+0085) at character 3',
      '5: user ID "ev<U+202E>il" contains a bidirectional control character (U+202E) at character 3',
      '6: user ID "zw<U+200B>" contains a zero-width character (U+200B) at character 3',
    ]);
    expect(words.join('')).not.toMatch(/[\u0080-\u009f\u200b-\u200d\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
    expect(csvMessage({ code: 'csv.unknownAttrs', params: checkCsvText('user,attrs\nann,s\u202Eex\n', { knownAttrs: ['sex'], maxRows: 100 }).tally.issues[0]!.params }, en)).toBe(
      'unknown attribute "s<U+202E>ex"; this app has sex',
    );
  });

  it('renders the line and column limits', () => {
    const r = checkCsvText(`${'x'.repeat(5000)}\n${'a,'.repeat(120)}\n`, { knownAttrs: ['sex'], maxRows: 100 }).tally;
    expect(r.issues.map((i) => `${i.line}: ${csvMessage(i, en)}`)).toEqual([
      '1: the line is 5,000 bytes long; a line can be at most 4,096 bytes',
      '2: the row has 121 columns; a row can have at most 100',
    ]);
  });

  it('renders why a file cannot be used, in the preview and as the server refusal', () => {
    expect(csvMessage({ code: 'csv.tooManyRows', params: { max: 1_000_000 } }, en)).toBe(
      'The file has more than 1,000,000 data rows. Split it into smaller files; nothing was sent.',
    );
    expect(csvMessage({ code: 'csv.tooLarge', params: { mib: 70, maxMib: 64 } }, en)).toBe(
      'The file is 70.0 MiB; the limit is 64 MiB. Split it into smaller files; nothing was sent.',
    );
    expect(csvMessage(checkCsvText('', { knownAttrs: [], maxRows: 100 }).tally.fatal!, en)).toBe('The file has no rows.');
    expect(errorMessage({ code: 'csv.unreadable', params: { detail: 'NotReadableError' } }, en)).toBe('The file could not be read: NotReadableError');
  });

  it('renders a pasted list’s bad entries with the ID cut short', () => {
    const [problem] = parseUserIdList(`${'x'.repeat(70)}`).problems;
    expect(userIdProblemMessage(problem!, en)).toBe(`entry 1 "${'x'.repeat(40)}…" is 70 bytes long; a user ID can be at most 64 bytes`);
  });
});
