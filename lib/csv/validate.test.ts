import { describe, expect, it } from 'vitest';
import { validateCsvText } from './parse';
import { MAX_CSV_BYTES, MAX_CSV_ROWS } from './limits';
import { targetsOf, type CsvValidation } from './validate';

const targets = (r: CsvValidation) => [...targetsOf(r.users)];

const KNOWN = ['sex', 'city', 'tier'];
const v = (text: string, picked: string[] = ['city']) => validateCsvText(text, KNOWN, picked);

describe('CSV rules (SPEC "CSV format")', () => {
  it('reads a headerless file as one user ID per line, with the picked attributes', () => {
    const r = v('alice\nbob\n');
    expect(r).toMatchObject({ rowsRead: 2, hasHeader: false, invalidRows: 0, fatal: null });
    expect(targets(r)).toEqual([
      { account: 'alice', attrs: ['city'] },
      { account: 'bob', attrs: ['city'] },
    ]);
  });

  it('strips a UTF-8 BOM and accepts CRLF', () => {
    const r = v('\uFEFFTo_Account,Attrs\r\nalice,sex\r\nbob,\r\n');
    expect(r.hasHeader).toBe(true);
    expect(targets(r)).toEqual([
      { account: 'alice', attrs: ['sex'] },
      { account: 'bob', attrs: ['city'] },
    ]);
  });

  it('accepts every alias of the user and attributes columns, case-insensitively, and ignores other columns', () => {
    for (const userCol of ['To_Account', 'USER', 'userid', 'User_Id', 'account']) {
      const r = v(`note,${userCol},Attributes\nx,alice,sex|tier\n`);
      expect(targets(r), userCol).toEqual([{ account: 'alice', attrs: ['sex', 'tier'] }]);
    }
  });

  it('honours RFC 4180 quoting, including commas and line breaks inside cells, and keeps line numbers right', () => {
    const r = v('To_Account,Attrs,comment\n"al,ice","sex;city","two\nlines"\n"",sex,x\n"bo""b",tier,y\n');
    expect(targets(r).map((t) => t.account)).toEqual(['al,ice', 'bo"b']);
    expect(r.issues).toEqual([{ line: 4, code: 'csv.idEmpty' }]);
  });

  it('skips blank lines but still counts them for line numbers', () => {
    const r = v('alice\n\n   \nbad\u0007id\n');
    expect(r.rowsRead).toBe(2);
    expect(r.issues).toEqual([{ line: 4, code: 'csv.idControlChars', params: { id: 'bad\u0007id' } }]);
  });

  it('merges duplicate users with the union of their attributes and counts them', () => {
    const r = v('user,attrs\nalice,sex\nbob,\nalice,tier\nalice,sex\n');
    expect(r.duplicateRows).toBe(2);
    expect(targets(r)).toEqual([
      { account: 'alice', attrs: ['sex', 'tier'] },
      { account: 'bob', attrs: ['city'] },
    ]);
  });

  it('lists invalid rows by line: empty, control characters, too long, unknown attribute, no attributes, extra values', () => {
    const r = validateCsvText(`user,attrs\n,sex\nx\u0001,sex\n${'y'.repeat(65)},sex\ncarol,shoe\ndave,\n`, KNOWN, []);
    expect(r.issues).toEqual([
      { line: 2, code: 'csv.idEmpty' },
      { line: 3, code: 'csv.idControlChars', params: { id: 'x\u0001' } },
      { line: 4, code: 'csv.idTooLong', params: { id: `${'y'.repeat(40)}…`, bytes: 65, max: 64 } },
      { line: 5, code: 'csv.unknownAttrs', params: { names: '"shoe"', count: 1, known: 'sex, city, tier', knownCount: 3 } },
      { line: 6, code: 'csv.noAttrs' },
    ]);
    expect(v('alice,bob,,carol\n').issues).toEqual([{ line: 1, code: 'csv.extraValues', params: { values: 3 } }]);
    expect(targets(r)).toEqual([]);
  });

  it('reports malformed quotes on the row', () => {
    const r = v('alice\n"bo"b\ncarol\n');
    expect(r.invalidRows).toBe(1);
    expect(r.issues).toEqual([{ line: 2, code: 'csv.badQuotes' }]);
  });

  it(`refuses more than ${MAX_CSV_ROWS.toLocaleString('en')} data rows and files over 64 MiB`, () => {
    const rows = `To_Account\n${'u\n'.repeat(MAX_CSV_ROWS + 1)}`;
    const r = v(rows);
    expect(r.fatal).toEqual({ code: 'csv.tooManyRows', params: { max: MAX_CSV_ROWS } });
    expect(targets(r)).toEqual([]);
    expect(v('u\n'.repeat(MAX_CSV_ROWS)).fatal).toBeNull();

    const big = 'x'.repeat(MAX_CSV_BYTES + 1);
    expect(v(big).fatal).toEqual({ code: 'csv.tooLarge', params: { mib: 64, maxMib: 64 } });
    // Two million rows parsed: seconds on a loaded 2-core machine, and correctness is what this checks.
  }, 60_000);

  it('says so when there is nothing in the file', () => {
    expect(v('').fatal).toEqual({ code: 'csv.empty' });
    expect(v('\n\n').fatal).toEqual({ code: 'csv.empty' });
  });
});
