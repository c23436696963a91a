import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { csvCell, csvLine, csvStream } from './export';

describe('CSV export', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      expect(csvCell(`${start}SUM(A1)`)).toBe(`"'${start}SUM(A1)"`);
    }
    expect(csvCell('alice')).toBe('"alice"');
  });

  it('quotes per RFC 4180 so any ID round-trips', () => {
    const line = csvLine(['a,b', 'say "hi"', 'two\nlines']);
    expect(Papa.parse<string[]>(line.trim(), { header: false }).data[0]).toEqual(['a,b', 'say "hi"', 'two\nlines']);
  });

  it('starts the file with the UTF-8 byte order mark Excel needs to read Chinese, once, before the header', async () => {
    async function* lines() {
      yield csvLine(['user', 'explanation']);
      yield csvLine(['alice', '该用户不存在']);
    }
    const bytes = new Uint8Array(await new Response(csvStream(lines())).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = Buffer.from(bytes).toString('utf8');
    expect(text.indexOf('\uFEFF', 1)).toBe(-1);
    expect(Papa.parse<Record<string, string>>(text.slice(1).trim(), { header: true }).data).toEqual([{ user: 'alice', explanation: '该用户不存在' }]);
  });
});
