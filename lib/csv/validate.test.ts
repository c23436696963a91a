import { describe, expect, it } from 'vitest';
import { checkCsvText } from '../../test-support/csv';
import { MAX_CSV_COLUMNS, MAX_CSV_LINE_BYTES } from './limits';
import { CsvValidator, MAX_ATTR_SETS, type CsvRow } from './validate';

const KNOWN = ['sex', 'city', 'tier'];

/**
 * A pass over `text`, with its rows merged per user as the upload store merges them, and the
 * attributes picked at start given to rows that named none.
 */
function v(text: string, picked: string[] = ['city'], limits: { maxRows?: number; maxBytes?: number } = {}) {
  const { tally, rows } = checkCsvText(text, { knownAttrs: KNOWN, maxRows: limits.maxRows ?? 1000, maxBytes: limits.maxBytes });
  const users = new Map<string, { attrs: string[]; withPicked: boolean }>();
  for (const r of rows) {
    const u = users.get(r.account);
    if (u) {
      u.attrs = [...new Set([...u.attrs, ...r.attrs])];
      u.withPicked ||= r.withPicked;
    } else users.set(r.account, { attrs: [...r.attrs], withPicked: r.withPicked });
  }
  const targets = [...users].map(([account, u]) => ({ account, attrs: u.withPicked ? [...new Set([...u.attrs, ...picked])] : u.attrs }));
  return { ...tally, duplicateRows: tally.validRows - users.size, targets };
}

describe('CSV rules (SPEC "CSV format")', () => {
  it('counts the rows naming each set of attributes, in any order, largest first; picked rows are not a set', () => {
    const r = v('To_Account,Attrs\na,city;tier\nb,tier;city\nc,city\nd,\ne,tier;city;tier\nf,shoe\n');
    expect(r.attrSets).toEqual([
      { attrs: ['city', 'tier'], rows: 3 },
      { attrs: ['city'], rows: 1 },
    ]);
    expect(r.otherAttrSetRows).toBe(0);
    expect(r.rowsWithoutAttrs).toBe(1);
  });

  it(`counts rows naming a set beyond the first ${MAX_ATTR_SETS} together`, () => {
    const names = Array.from({ length: MAX_ATTR_SETS + 3 }, (_, i) => `a${i}`);
    const lines = names.map((n, i) => `u${i},${n}`);
    const { tally } = checkCsvText(`To_Account,Attrs\n${lines.join('\n')}\nx,a0\n`, { knownAttrs: names, maxRows: 1000 });
    expect(tally.attrSets).toHaveLength(MAX_ATTR_SETS);
    expect(tally.attrSets[0]).toEqual({ attrs: ['a0'], rows: 2 });
    expect(tally.otherAttrSetRows).toBe(3);
  });

  it('reads a headerless file as one user ID per line, with the picked attributes', () => {
    const r = v('alice\nbob\n');
    expect(r).toMatchObject({ rowsRead: 2, hasHeader: false, invalidRows: 0, fatal: null });
    expect(r.targets).toEqual([
      { account: 'alice', attrs: ['city'] },
      { account: 'bob', attrs: ['city'] },
    ]);
  });

  it('strips a UTF-8 BOM and accepts CRLF', () => {
    const r = v('\uFEFFTo_Account,Attrs\r\nalice,sex\r\nbob,\r\n');
    expect(r.hasHeader).toBe(true);
    expect(r.targets).toEqual([
      { account: 'alice', attrs: ['sex'] },
      { account: 'bob', attrs: ['city'] },
    ]);
  });

  it('accepts every alias of the user and attributes columns, case-insensitively, and ignores other columns', () => {
    for (const userCol of ['To_Account', 'USER', 'userid', 'User_Id', 'account']) {
      const r = v(`note,${userCol},Attributes\nx,alice,sex|tier\n`);
      expect(r.targets, userCol).toEqual([{ account: 'alice', attrs: ['sex', 'tier'] }]);
    }
  });

  it('honours RFC 4180 quoting, including commas and line breaks inside cells, and keeps line numbers right', () => {
    const r = v('To_Account,Attrs,comment\n"al,ice","sex;city","two\nlines"\n"",sex,x\n"bo""b",tier,y\n');
    expect(r.targets.map((t) => t.account)).toEqual(['al,ice', 'bo"b']);
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
    expect(r.targets).toEqual([
      { account: 'alice', attrs: ['sex', 'tier'] },
      { account: 'bob', attrs: ['city'] },
    ]);
  });

  it('lists invalid rows by line: empty, control characters, too long, unknown attribute, extra values; a row without attributes waits for the picks', () => {
    const r = v(`user,attrs\n,sex\nx\u0001,sex\n${'y'.repeat(65)},sex\ncarol,shoe\ndave,\n`, []);
    expect(r.issues).toEqual([
      { line: 2, code: 'csv.idEmpty' },
      { line: 3, code: 'csv.idControlChars', params: { id: 'x\u0001' } },
      { line: 4, code: 'csv.idTooLong', params: { id: `${'y'.repeat(40)}…`, bytes: 65, max: 64 } },
      { line: 5, code: 'csv.unknownAttrs', params: { names: '"shoe"', count: 1, known: 'sex, city, tier', knownCount: 3 } },
    ]);
    expect(v('alice,bob,,carol\n').issues).toEqual([{ line: 1, code: 'csv.extraValues', params: { values: 3 } }]);
    expect(r).toMatchObject({ validRows: 1, rowsWithoutAttrs: 1 });
    expect(r.targets).toEqual([{ account: 'dave', attrs: [] }]);
  });

  it('lists IDs that are not valid UTF-8 or hold C1, bidi or zero-width characters, by line, and sends none of them', () => {
    const utf8 = new TextEncoder();
    // What the browser's File reading and the server's file.text() both do with bytes that are not UTF-8.
    const bytes = new Uint8Array([...utf8.encode('To_Account,Attrs\nann,sex\nb'), 0xff, 0xfe, ...utf8.encode('ob,sex\n')]);
    const text = `${new TextDecoder().decode(bytes)}c1\u009B,sex\n"\u202Ecarol",sex\ndave\u2066,sex\nzw\u200Bsp,sex\nzn\u200Cj,\nzj\u200D,\nwj\u2060,\nbom\uFEFF,\n`;
    const r = v(text);
    expect(r.issues).toEqual([
      { line: 3, code: 'csv.idInvalidUtf8', params: { id: 'b\uFFFD\uFFFDob', char: 'U+FFFD', at: 2 } },
      { line: 4, code: 'csv.idC1Control', params: { id: 'c1<U+009B>', char: 'U+009B', at: 3 } },
      { line: 5, code: 'csv.idBidiControl', params: { id: '<U+202E>carol', char: 'U+202E', at: 1 } },
      { line: 6, code: 'csv.idBidiControl', params: { id: 'dave<U+2066>', char: 'U+2066', at: 5 } },
      { line: 7, code: 'csv.idZeroWidth', params: { id: 'zw<U+200B>sp', char: 'U+200B', at: 3 } },
      { line: 8, code: 'csv.idZeroWidth', params: { id: 'zn<U+200C>j', char: 'U+200C', at: 3 } },
      { line: 9, code: 'csv.idZeroWidth', params: { id: 'zj<U+200D>', char: 'U+200D', at: 3 } },
      { line: 10, code: 'csv.idZeroWidth', params: { id: 'wj<U+2060>', char: 'U+2060', at: 3 } },
      { line: 11, code: 'csv.idZeroWidth', params: { id: 'bom<U+FEFF>', char: 'U+FEFF', at: 4 } },
    ]);
    expect(r.invalidRows).toBe(9);
    expect(r.targets).toEqual([{ account: 'ann', attrs: ['sex'] }]);
  });

  it('counts the position within the ID after its surrounding spaces, and refuses the same in header-less files', () => {
    expect(v('  a😀\u202Eb  \n').issues).toEqual([{ line: 1, code: 'csv.idBidiControl', params: { id: 'a😀<U+202E>b', char: 'U+202E', at: 3 } }]);
    expect(v('ok\n\u0080\n').issues).toEqual([{ line: 2, code: 'csv.idC1Control', params: { id: '<U+0080>', char: 'U+0080', at: 1 } }]);
  });

  it('strips one BOM at the start of the file and refuses every other U+FEFF, never trimming or skipping it', () => {
    expect(v('\uFEFFalice\n').targets).toEqual([{ account: 'alice', attrs: ['city'] }]);
    const r = v('\uFEFF\uFEFFalice\nbob\n\uFEFF\n \uFEFF \ncarol,\uFEFF\n');
    expect(r.issues).toEqual([
      { line: 1, code: 'csv.idZeroWidth', params: { id: '<U+FEFF>alice', char: 'U+FEFF', at: 1 } },
      { line: 3, code: 'csv.idZeroWidth', params: { id: '<U+FEFF>', char: 'U+FEFF', at: 1 } },
      { line: 4, code: 'csv.idZeroWidth', params: { id: '<U+FEFF>', char: 'U+FEFF', at: 1 } },
      { line: 5, code: 'csv.extraValues', params: { values: 2 } },
    ]);
    expect(r.targets.map((t) => t.account)).toEqual(['bob']);
    // An attribute name holding U+FEFF is not quietly matched to a known one.
    expect(v('user,attrs\nann,sex\uFEFF\n').issues).toEqual([
      { line: 2, code: 'csv.unknownAttrs', params: { names: '"sex<U+FEFF>"', count: 1, known: 'sex, city, tier', knownCount: 3 } },
    ]);
  });

  it(`refuses a line over ${MAX_CSV_LINE_BYTES} bytes of UTF-8, counting its cells and commas, and keeps none of its cells`, () => {
    expect(MAX_CSV_LINE_BYTES).toBe(4096);
    const header = 'To_Account,Attrs,note\n';
    // 'ann' + ',' + 'sex' + ',' + note = 8 bytes + note.
    const at = (note: string) => v(`${header}ann,sex,${note}\nbob,,\n`);
    expect(at('x'.repeat(4088)).issues).toEqual([]);
    const over = at('x'.repeat(4089));
    expect(over.issues).toEqual([{ line: 2, code: 'csv.lineTooLong', params: { bytes: 4097, max: 4096 } }]);
    expect(over.targets).toEqual([{ account: 'bob', attrs: ['city'] }]);
    expect(over).toMatchObject({ rowsRead: 2, invalidRows: 1 });
    // Bytes, not characters: é is 2, 😀 is 4, and a quoted cell's line breaks count too.
    expect(at('é'.repeat(2044)).issues).toEqual([]);
    expect(at(`${'é'.repeat(2044)}x`).issues).toEqual([{ line: 2, code: 'csv.lineTooLong', params: { bytes: 4097, max: 4096 } }]);
    expect(at(`"${'😀'.repeat(1022)}\n"`).issues).toEqual([{ line: 2, code: 'csv.lineTooLong', params: { bytes: 4097, max: 4096 } }]);
    // The ID itself is not looked at: no id in the words, and a line number still counted past the break.
    const headerless = v(`${'u'.repeat(5000)}\nbad\u0001\n`);
    expect(headerless.issues).toEqual([
      { line: 1, code: 'csv.lineTooLong', params: { bytes: 5000, max: 4096 } },
      { line: 2, code: 'csv.idControlChars', params: { id: 'bad\u0001' } },
    ]);
  });

  it(`refuses a row over ${MAX_CSV_COLUMNS} columns, before its ID or values are looked at`, () => {
    expect(MAX_CSV_COLUMNS).toBe(100);
    const row = (n: number, first = 'ann') => [first, ...Array.from({ length: n - 1 }, () => '')].join(',');
    expect(v(`user,attrs\n${row(100)}\n`).issues).toEqual([]);
    expect(v(`user,attrs\n${row(101)}\n${row(3, 'bob')}\n`).issues).toEqual([{ line: 2, code: 'csv.tooManyColumns', params: { columns: 101, max: 100 } }]);
    // Header-less: the width, not extraValues; and a line of commas alone is not skipped as blank.
    expect(v(`${row(101, 'x\u202E')}\n${','.repeat(150)}\nbob\n`).issues).toEqual([
      { line: 1, code: 'csv.tooManyColumns', params: { columns: 101, max: 100 } },
      { line: 2, code: 'csv.tooManyColumns', params: { columns: 151, max: 100 } },
    ]);
    // Both limits: the width is named.
    expect(v(`${Array.from({ length: 200 }, () => 'x'.repeat(50)).join(',')}\n`).issues[0]).toMatchObject({ code: 'csv.tooManyColumns' });
  });

  it('reads an oversized first record as a row, and the file as having no header', () => {
    const r = v(`${'user,'.repeat(101)}\nuser\nalice\n`);
    expect(r.hasHeader).toBe(false);
    expect(r.issues).toEqual([{ line: 1, code: 'csv.tooManyColumns', params: { columns: 102, max: 100 } }]);
    expect(r.targets.map((t) => t.account)).toEqual(['user', 'alice']);
  });

  it('takes records one at a time with the line and problem the reader found, and keeps no rows itself', () => {
    const rows: CsvRow[] = [];
    const issues: number[] = [];
    const validator = new CsvValidator({ knownAttrs: KNOWN, maxRows: 10, keepIssues: 1, onRow: (r) => rows.push(r), onIssue: (i) => issues.push(i.line) });
    validator.addRecord(1, ['To_Account', 'Attrs']);
    validator.addRecord(2, [], { code: 'csv.lineTooLong', params: { bytes: 5000, max: MAX_CSV_LINE_BYTES } });
    validator.addRecord(4, [], { code: 'csv.tooManyColumns', params: { columns: 101, max: MAX_CSV_COLUMNS } });
    validator.addRecord(5, ['ann\u200B', 'sex']);
    validator.addRecord(6, ['ann', '']);
    validator.addRecord(7, ['bob', 'sex|tier']);
    const r = validator.finish();
    expect(r.issues.map((i) => [i.line, i.code])).toEqual([[2, 'csv.lineTooLong']]);
    expect(issues).toEqual([2, 4, 5]);
    expect(r).toMatchObject({ rowsRead: 5, invalidRows: 3, validRows: 2, rowsWithoutAttrs: 1, attrs: ['sex', 'tier'], hasHeader: true });
    expect(rows).toEqual([
      { line: 6, account: 'ann', attrs: [], withPicked: true },
      { line: 7, account: 'bob', attrs: ['sex', 'tier'], withPicked: false },
    ]);
  });

  it('reports malformed quotes on the row', () => {
    const r = v('alice\n"bo"b\ncarol\n');
    expect(r.invalidRows).toBe(1);
    expect(r.issues).toEqual([{ line: 2, code: 'csv.badQuotes' }]);
  });

  it('refuses more data rows than CSV_MAX_ROWS and more bytes than CSV_MAX_BYTES, as the whole file', () => {
    const r = v(`To_Account\n${'u\n'.repeat(6)}`, ['city'], { maxRows: 5 });
    expect(r.fatal).toEqual({ code: 'csv.tooManyRows', params: { max: 5 } });
    expect(v(`To_Account\n${'u\n'.repeat(5)}`, ['city'], { maxRows: 5 }).fatal).toBeNull();
    expect(v('x'.repeat(2 * 1024 * 1024 + 1), ['city'], { maxBytes: 2 * 1024 * 1024 }).fatal).toEqual({ code: 'csv.tooLarge', params: { mib: 2, maxMib: 2 } });
    expect(v('x\n'.repeat(1000), ['city'], { maxBytes: 2048 }).fatal).toBeNull();
  });

  it('says so when there is nothing in the file', () => {
    expect(v('').fatal).toEqual({ code: 'csv.empty' });
    expect(v('\n\n').fatal).toEqual({ code: 'csv.empty' });
  });
});
