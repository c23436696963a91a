import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { csvCell, csvLine } from './export';

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
});
