// `npm run bench:reader`: lib/csv/reader.ts against papaparse (the parser it replaced, kept as the
// baseline) on the same generated CSV bytes in the same run: the reader gets them in 64 KiB chunks,
// papaparse decodes them (a few milliseconds of its time) and parses the text with the settings
// the console once used. BENCH_ROWS sets the rows (1,000,000). Median of 5 runs after a warm-up.
import Papa from 'papaparse';
import { CsvRecordReader } from '../lib/csv/reader';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CHUNK = 64 * 1024;
const RUNS = 5;

function csv(id: (i: number) => string): Uint8Array {
  const lines = ['To_Account,Attrs'];
  for (let i = 1; i <= ROWS; i++) lines.push(`${id(i)},tag`);
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

function readerRecords(bytes: Uint8Array): number {
  let records = 0;
  const reader = new CsvRecordReader(() => records++);
  for (let i = 0; i < bytes.length; i += CHUNK) reader.push(bytes.subarray(i, i + CHUNK));
  reader.end();
  return records;
}

function papaRecords(bytes: Uint8Array): number {
  let records = 0;
  Papa.parse<string[]>(new TextDecoder().decode(bytes), { delimiter: ',', quoteChar: '"', header: false, skipEmptyLines: false, chunkSize: 1024 * 1024, step: () => records++ });
  return records;
}

function median(read: () => number): { seconds: number; records: number } {
  const records = read();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t = performance.now();
    read();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(RUNS / 2)]!, records };
}

function bench(label: string, id: (i: number) => string): void {
  const bytes = csv(id);
  const mb = bytes.length / 1e6;
  const ours = median(() => readerRecords(bytes));
  const papa = median(() => papaRecords(bytes));
  // papaparse also yields the blank last line the reader does not emit.
  if (papa.records - 1 !== ours.records) throw new Error(`${label}: ${ours.records} records read, papaparse ${papa.records}`);
  const figures = (name: string, r: { seconds: number }) =>
    `${name.padEnd(9)} ${(mb / r.seconds).toFixed(0).padStart(5)} MB/s  ${((ROWS / r.seconds) / 1e6).toFixed(2).padStart(5)} M rows/s  ${(r.seconds * 1000).toFixed(0).padStart(5)} ms`;
  console.log(`${label}: ${ROWS.toLocaleString('en')} rows, ${mb.toFixed(1)} MB`);
  console.log(`  ${figures('reader', ours)}`);
  console.log(`  ${figures('papaparse', papa)}`);
  console.log(`  reader / papaparse: ${(papa.seconds / ours.seconds).toFixed(1)}×`);
}

bench('typical (user_0000001,tag)', (i) => `user_${String(i).padStart(7, '0')}`);
// Past the short-cell fast path: cells over 12 bytes are decoded one by one.
bench('32-byte IDs', (i) => `user_${String(i).padStart(27, '0')}`);
bench('non-ASCII IDs', (i) => `用户_${String(i).padStart(7, '0')}`);
