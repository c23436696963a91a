import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { userIdProblem } from '../user-ids';
import { MAX_CSV_COLUMNS, MAX_CSV_LINE_BYTES } from './limits';
import { CsvRecordReader, type CsvRecord } from './reader';

const encoder = new TextEncoder();

/** Text and raw bytes (number arrays) laid end to end. */
function bytes(...parts: (string | number[])[]): Uint8Array {
  const encoded = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(encoded.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of encoded) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function readChunks(chunks: Iterable<Uint8Array>): CsvRecord[] {
  const records: CsvRecord[] = [];
  const reader = new CsvRecordReader((r) => records.push(r));
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return records;
}

function* chunksOf(input: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < input.length; i += size) yield input.subarray(i, i + size);
}

function read(input: string | Uint8Array, chunkSize = Infinity): CsvRecord[] {
  const all = typeof input === 'string' ? encoder.encode(input) : input;
  return readChunks(chunkSize === Infinity ? [all] : chunksOf(all, chunkSize));
}

/** The cells of each record, for tests where lines and problems are not the point. */
const cellsOf = (input: string | Uint8Array, chunkSize?: number) => read(input, chunkSize).map((r) => r.cells);

const BOM = [0xef, 0xbb, 0xbf];

describe('CsvRecordReader: records and line breaks', () => {
  it('ends records at LF and numbers their lines from 1', () => {
    expect(read('a,b\nc,d\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['c', 'd'] },
    ]);
  });

  it('drops the CR of CRLF, also when CR and LF arrive in different chunks', () => {
    expect(read('a,b\r\nc\r\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['c'] },
    ]);
    for (const chunks of [
      ['a\r', '\nb'],
      ['a,\r', '\nb'],
      ['"a"\r', '\nb'],
      ['"a"', '\r', '\nb'],
      ['a', '\r', '', '\nb'],
    ]) {
      expect(readChunks(chunks.map((c) => encoder.encode(c))), chunks.join('|')).toEqual([
        { line: 1, cells: chunks[0]!.startsWith('a,') ? ['a', ''] : ['a'] },
        { line: 2, cells: ['b'] },
      ]);
    }
  });

  it('keeps a lone CR as data, and counts no line for it', () => {
    expect(read('a\rb\nc\r\r\n\r\n\rd\ne\r')).toEqual([
      { line: 1, cells: ['a\rb'] },
      { line: 2, cells: ['c\r'] },
      { line: 4, cells: ['\rd'] },
      { line: 5, cells: ['e\r'] },
    ]);
  });

  it('emits the last record without a line break, a trailing comma as an empty cell', () => {
    expect(read('a\nb')).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: ['b'] },
    ]);
    expect(cellsOf('a,')).toEqual([['a', '']]);
    expect(cellsOf('a,\n')).toEqual([['a', '']]);
  });

  it('emits nothing for an empty file, a file of line breaks, or only a BOM', () => {
    expect(read('')).toEqual([]);
    expect(read('\n\r\n\n')).toEqual([]);
    expect(read(bytes(BOM))).toEqual([]);
    expect(read(bytes(BOM, '\n'))).toEqual([]);
  });

  it('skips blank lines but counts them in the following records’ lines; a line with anything on it is a record', () => {
    expect(read('a\n\n\r\nb\n \n,\n""\n')).toEqual([
      { line: 1, cells: ['a'] },
      { line: 4, cells: ['b'] },
      { line: 5, cells: [' '] },
      { line: 6, cells: ['', ''] },
      { line: 7, cells: [''] },
    ]);
  });
});

describe('CsvRecordReader: BOM', () => {
  it('skips a BOM at the start of the file, whole or split across chunks', () => {
    const file = bytes(BOM, 'To_Account\nalice\n');
    const expected = [
      { line: 1, cells: ['To_Account'] },
      { line: 2, cells: ['alice'] },
    ];
    expect(read(file)).toEqual(expected);
    for (let size = 1; size <= 4; size++) expect(read(file, size), `chunks of ${size}`).toEqual(expected);
    expect(readChunks([file.subarray(0, 0), file.subarray(0, 2), file.subarray(2, 3), file.subarray(3)])).toEqual(expected);
  });

  it('keeps a BOM anywhere else, and the start of one that is not, as data', () => {
    expect(cellsOf(bytes(BOM, BOM, 'a\n', BOM, 'b,c', BOM, '\n"', BOM, '"'))).toEqual([['\uFEFFa'], ['\uFEFFb', 'c\uFEFF'], ['\uFEFF']]);
    const notBom = bytes([0xef, 0xbb], 'x\n');
    const decoded = new TextDecoder().decode(notBom.subarray(0, 3));
    for (let size = 1; size <= 3; size++) expect(cellsOf(notBom, size), `chunks of ${size}`).toEqual([[decoded]]);
    expect(cellsOf(bytes([0xef, 0xbb]))).toEqual([[new TextDecoder().decode(Uint8Array.from([0xef, 0xbb]))]]);
  });

  it('counts every byte pushed, the BOM included, in bytesRead', () => {
    const reader = new CsvRecordReader(() => {});
    reader.push(bytes(BOM));
    reader.push(encoder.encode('a,b\n'));
    expect(reader.bytesRead).toBe(7);
    reader.end();
    expect(reader.bytesRead).toBe(7);
  });
});

describe('CsvRecordReader: quotes', () => {
  it('reads quoted cells: "" is one quote, commas and line breaks are data, and later lines stay right', () => {
    expect(read('"a""b","c,d",""\n""""\nx,"1\n2\r\n3"\ny\n')).toEqual([
      { line: 1, cells: ['a"b', 'c,d', ''] },
      { line: 2, cells: ['"'] },
      { line: 3, cells: ['x', '1\n2\r\n3'] },
      { line: 6, cells: ['y'] },
    ]);
  });

  it('reads a quote inside an unquoted cell as data', () => {
    expect(cellsOf('a"b,c""d,e"\n')).toEqual([['a"b', 'c""d', 'e"']]);
  });

  it('flags data after a closing quote as badQuotes and reads on to the record’s end', () => {
    expect(read('"a"b,c\nnext\n')).toEqual([
      { line: 1, cells: ['ab', 'c'], problem: { code: 'csv.badQuotes' } },
      { line: 2, cells: ['next'] },
    ]);
    expect(read('x,"a" \n"a"\rb\n"a""\n')).toEqual([
      { line: 1, cells: ['x', 'a '], problem: { code: 'csv.badQuotes' } },
      { line: 2, cells: ['a\rb'], problem: { code: 'csv.badQuotes' } },
      { line: 3, cells: ['a"\n'], problem: { code: 'csv.badQuotes' } },
    ]);
    // After the bad cell, a quoted cell still holds its line break; the record ends after it.
    expect(read('"a"x,"b\nc"\nz\n')).toEqual([
      { line: 1, cells: ['ax', 'b\nc'], problem: { code: 'csv.badQuotes' } },
      { line: 3, cells: ['z'] },
    ]);
  });

  it('flags a closing quote followed by CR and the end of the file: that CR is no line break', () => {
    expect(read('a\n"b"\r')).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: ['b\r'], problem: { code: 'csv.badQuotes' } },
    ]);
  });

  it('ends the file inside quotes as one badQuotes record at the line where it started', () => {
    expect(read('a\n"b,c\nd\ne')).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: ['b,c\nd\ne'], problem: { code: 'csv.badQuotes' } },
    ]);
    expect(read('x,"')).toEqual([{ line: 1, cells: ['x', ''], problem: { code: 'csv.badQuotes' } }]);
  });
});

/** A small seeded generator, so a failing input can be found again. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Pieces CSV is made of, and what makes readers stumble: multi-byte characters, invalid and truncated UTF-8, BOMs, CR. */
const PIECES: number[][] = [
  ...['a', 'b', ',', ',', '"', '"', '\n', '\r', '\r\n', ' ', 'é', '€', '😀', '用'].map((s) => [...encoder.encode(s)]),
  BOM,
  [0xff],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0xf0, 0x9f, 0x98],
];

describe('CsvRecordReader: chunk boundaries', () => {
  it('reads any input the same whatever the chunks, even inside multi-byte characters', () => {
    const rand = random(4180);
    for (let n = 0; n < 400; n++) {
      const parts: number[][] = [];
      const length = rand(40);
      for (let k = 0; k < length; k++) parts.push(PIECES[rand(PIECES.length)]!);
      const input = bytes(...parts);
      const whole = read(input);
      for (let size = 1; size <= 7; size++) expect(read(input, size), `${JSON.stringify([...input])} in chunks of ${size}`).toEqual(whole);
    }
  });

  it('reads back generated CSV cell for cell, with the right lines, at any chunk size', () => {
    const rand = random(20);
    const alphabet = ['a', 'Z', '0', ' ', ',', '"', '\n', '\r\n', '\r', 'é', '€', '😀', '\uFEFF', ';'];
    for (let n = 0; n < 200; n++) {
      let text = rand(2) ? '\uFEFF' : '';
      const expected: CsvRecord[] = [];
      let line = 1;
      const records = 1 + rand(6);
      for (let r = 0; r < records; r++) {
        const cells: string[] = [];
        const cellCount = 1 + rand(4);
        const written: string[] = [];
        for (let c = 0; c < cellCount; c++) {
          let cell = '';
          const length = rand(6);
          for (let k = 0; k < length; k++) cell += alphabet[rand(alphabet.length)];
          const atFileStart = text === '' && written.length === 0;
          const mustQuote = /[,"\r\n]/.test(cell) || (atFileStart && cell.startsWith('\uFEFF'));
          const quoteAnyway = rand(4) === 0;
          written.push(mustQuote || quoteAnyway ? `"${cell.replaceAll('"', '""')}"` : cell);
          cells.push(cell);
        }
        const record = written.join(',');
        // One empty unquoted cell is a blank line, which is not emitted.
        if (record !== '') expected.push({ line, cells });
        line += (record.match(/\n/g) ?? []).length + 1;
        text += record;
        if (r < records - 1 || rand(2)) text += rand(2) ? '\r\n' : '\n';
      }
      const input = encoder.encode(text);
      for (const size of [Infinity, 1, 2, 3, 5, 7, 64]) expect(read(input, size), `${JSON.stringify(text)} in chunks of ${size}`).toEqual(expected);
    }
  });
});

describe('CsvRecordReader: limits', () => {
  const x = (n: number) => 'x'.repeat(n);

  it(`counts a record’s bytes as its cells’ UTF-8 and commas, without quotes or line break: ${MAX_CSV_LINE_BYTES} pass`, () => {
    const fits: [string, string[]][] = [
      [`${x(MAX_CSV_LINE_BYTES - 2)},y`, [x(MAX_CSV_LINE_BYTES - 2), 'y']],
      // The CR of CRLF is the line break's, not the record's, even split from its LF.
      [`${x(MAX_CSV_LINE_BYTES - 2)},y\r`, [x(MAX_CSV_LINE_BYTES - 2), 'y']],
      [`"${x(MAX_CSV_LINE_BYTES - 4)}","y""z"`, [x(MAX_CSV_LINE_BYTES - 4), 'y"z']],
      [`${x(MAX_CSV_LINE_BYTES - 2)}é`, [`${x(MAX_CSV_LINE_BYTES - 2)}é`]],
      [`${x(MAX_CSV_LINE_BYTES - 1)},`, [x(MAX_CSV_LINE_BYTES - 1), '']],
      [`"${x(MAX_CSV_LINE_BYTES)}"`, [x(MAX_CSV_LINE_BYTES)]],
    ];
    for (const [record, cells] of fits) {
      const input = encoder.encode(`${record}\nnext\n`);
      for (const size of [Infinity, 1, 1000, MAX_CSV_LINE_BYTES, MAX_CSV_LINE_BYTES + 1, MAX_CSV_LINE_BYTES + 2]) {
        expect(read(input, size), `${record.slice(-8)} in chunks of ${size}`).toEqual([
          { line: 1, cells },
          { line: 2, cells: ['next'] },
        ]);
      }
    }
  });

  it('flags a record over the limit as lineTooLong with its full count, keeps no cells, and reads on', () => {
    const cases: [string, number][] = [
      [`${x(MAX_CSV_LINE_BYTES - 1)},y`, MAX_CSV_LINE_BYTES + 1],
      [`${x(MAX_CSV_LINE_BYTES - 1)}é`, MAX_CSV_LINE_BYTES + 1],
      [`"${x(MAX_CSV_LINE_BYTES)}\r"`, MAX_CSV_LINE_BYTES + 1],
      [`${x(MAX_CSV_LINE_BYTES)}\r`, MAX_CSV_LINE_BYTES + 1],
      [`a,"${x(5000)}\n${x(5000)}",b`, 2 + 10_001 + 2],
      [`"${x(3)}"${x(100_000)}`, 100_003],
    ];
    for (const [record, count] of cases) {
      const input = encoder.encode(`${record}\r\nnext\n`);
      const lines = (record.match(/\n/g) ?? []).length;
      for (const size of [Infinity, 1, 7, 4096]) {
        expect(read(input, size), `${record.slice(0, 8)}… in chunks of ${size}`).toEqual([
          { line: 1, cells: [], problem: { code: 'csv.lineTooLong', params: { bytes: count, max: MAX_CSV_LINE_BYTES } } },
          { line: 2 + lines, cells: ['next'] },
        ]);
      }
    }
  });

  it(`flags more than ${MAX_CSV_COLUMNS} columns as tooManyColumns with the full count, before lineTooLong`, () => {
    const wide = (columns: number, cell = '') => Array.from({ length: columns }, () => cell).join(',');
    expect(read(wide(MAX_CSV_COLUMNS, 'a'))).toEqual([{ line: 1, cells: Array.from({ length: MAX_CSV_COLUMNS }, () => 'a') }]);
    for (const [record, columns] of [
      [wide(MAX_CSV_COLUMNS + 1), MAX_CSV_COLUMNS + 1],
      [wide(5000, '"a\nb"'), 5000],
      [wide(200, x(100)), 200],
    ] as const) {
      for (const size of [Infinity, 1, 13]) {
        expect(read(`${record}\nnext`, size), `${columns} columns in chunks of ${size}`).toEqual([
          { line: 1, cells: [], problem: { code: 'csv.tooManyColumns', params: { columns, max: MAX_CSV_COLUMNS } } },
          { line: 2 + (record.match(/\n/g) ?? []).length, cells: ['next'] },
        ]);
      }
    }
  });

  it('reports an unclosed quote at the end of the file as badQuotes even past the limits', () => {
    expect(read(`a\n"${x(10_000)},${x(10)}\n,`)).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: [], problem: { code: 'csv.badQuotes' } },
    ]);
    expect(read(`a,b,"${x(10_000)}`)).toEqual([{ line: 1, cells: [], problem: { code: 'csv.badQuotes' } }]);
  });
});

describe('CsvRecordReader: hostile input in bounded memory', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const MIB = 1024 * 1024;
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };

  /** Pushes `count` times one chunk filled with `byte`, between a head and a tail; the growth of heap and array buffers at its highest. */
  function feed(head: string, byte: number, count: number, tail: string): { records: CsvRecord[]; growth: number } {
    const records: CsvRecord[] = [];
    const chunk = new Uint8Array(64 * 1024).fill(byte);
    gc();
    const before = used();
    let peak = 0;
    const reader = new CsvRecordReader((r) => records.push(r));
    reader.push(encoder.encode(head));
    for (let i = 0; i < count; i++) {
      reader.push(chunk);
      if (i % 64 === 0) peak = Math.max(peak, used() - before);
    }
    reader.push(encoder.encode(tail));
    reader.end();
    return { records, growth: Math.max(peak, used() - before) };
  }

  it('reads 60 MiB without a line break', () => {
    const { records, growth } = feed('', 0x78, 960, '\nnext');
    expect(records).toEqual([
      { line: 1, cells: [], problem: { code: 'csv.lineTooLong', params: { bytes: 60 * MIB, max: MAX_CSV_LINE_BYTES } } },
      { line: 2, cells: ['next'] },
    ]);
    expect(growth).toBeLessThan(64 * MIB);
    console.log(`60 MiB line: heap and buffers grew by ${(growth / MIB).toFixed(1)} MiB at most`);
  });

  it('reads a line of 30 million commas', () => {
    const count = Math.ceil(30_000_000 / (64 * 1024));
    const { records, growth } = feed('', 0x2c, count, 'x\nnext');
    expect(records).toEqual([
      { line: 1, cells: [], problem: { code: 'csv.tooManyColumns', params: { columns: count * 64 * 1024 + 1, max: MAX_CSV_COLUMNS } } },
      { line: 2, cells: ['next'] },
    ]);
    expect(growth).toBeLessThan(64 * MIB);
    console.log(`30 M commas: heap and buffers grew by ${(growth / MIB).toFixed(1)} MiB at most`);
  });

  it('reads 64 MiB inside quotes, line breaks and all, and an unclosed quote of 64 MiB', () => {
    const closed = feed('"', 0x0a, 1024, '"\nnext');
    expect(closed.records).toEqual([
      { line: 1, cells: [], problem: { code: 'csv.lineTooLong', params: { bytes: 64 * MIB, max: MAX_CSV_LINE_BYTES } } },
      { line: 64 * MIB + 2, cells: ['next'] },
    ]);
    const unclosed = feed('a\n"', 0x78, 1024, '');
    expect(unclosed.records).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: [], problem: { code: 'csv.badQuotes' } },
    ]);
    expect(Math.max(closed.growth, unclosed.growth)).toBeLessThan(64 * MIB);
    console.log(`64 MiB quoted: heap and buffers grew by ${(Math.max(closed.growth, unclosed.growth) / MIB).toFixed(1)} MiB at most`);
  });

  it('keeps no chunk alive through the cells it returns', () => {
    // 20 MiB of records whose first cell is kept and whose second is large: if a kept cell were a
    // view of its chunk's text, every chunk would stay in memory.
    for (const idLength of [1, 12, 13, 32]) {
      const filler = 'f'.repeat(1000);
      const row = (i: number) => `${String(i).padStart(idLength, '0')},${filler}\n`;
      const rows = Math.floor((20 * MIB) / row(0).length);
      const kept: string[] = [];
      gc();
      const before = process.memoryUsage().heapUsed;
      const reader = new CsvRecordReader((r) => kept.push(r.cells[0]!));
      let batch = '';
      for (let i = 0; i < rows; i++) {
        batch += row(i);
        if (batch.length >= 64 * 1024) {
          reader.push(encoder.encode(batch));
          batch = '';
        }
      }
      reader.push(encoder.encode(batch));
      reader.end();
      gc();
      const growth = process.memoryUsage().heapUsed - before;
      expect(kept.length).toBe(rows);
      expect(kept[rows - 1]).toBe(String(rows - 1).padStart(idLength, '0'));
      // The kept IDs themselves: some 20,000 strings of tens of bytes.
      expect(growth, `IDs of ${idLength}`).toBeLessThan(4 * MIB);
    }
  });
});

describe('CsvRecordReader: invalid UTF-8', () => {
  it('turns bytes that are not UTF-8 into U+FFFD, which userIdProblem refuses', () => {
    const input = bytes('alice\n', 'bo', [0xff], 'b\n', [0xe2, 0x82], ',x\n', [0xc0, 0xaf], '\n"', [0xed, 0xa0, 0x80], '"\n');
    for (const size of [Infinity, 1, 2, 3]) {
      const records = read(input, size);
      expect(records.map((r) => r.cells[0])).toEqual(['alice', 'bo\uFFFDb', '\uFFFD', '\uFFFD\uFFFD', '\uFFFD\uFFFD\uFFFD']);
      expect(userIdProblem(records[0]!.cells[0]!)).toBeNull();
      expect(userIdProblem(records[1]!.cells[0]!)).toEqual({ code: 'userIds.invalidUtf8', params: { char: 'U+FFFD', at: 3 } });
      for (const r of records.slice(2)) expect(userIdProblem(r.cells[0]!)?.code).toBe('userIds.invalidUtf8');
    }
  });

  it('decodes a character split across chunks as the character', () => {
    const input = bytes('用户😀,é\n');
    for (let size = 1; size <= 4; size++) expect(cellsOf(input, size)).toEqual([['用户😀', 'é']]);
  });
});

describe('CsvRecordReader: use', () => {
  it('refuses push and end after end', () => {
    const reader = new CsvRecordReader(() => {});
    reader.push(encoder.encode('a'));
    reader.end();
    expect(() => reader.push(encoder.encode('b'))).toThrow(/after end/);
    expect(() => reader.end()).toThrow(/after end/);
  });
});
