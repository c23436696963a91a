// The generated CSV: its users, and a sample of them spread over the file.
import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';

/** The i-th user of the CSV: a seeded ID, except every 100th, which the simulator does not know (70107). */
export const userId = (n: number) => (n % 100 === 0 ? `nobody${n}` : `user${String(n).padStart(5, '0')}`);

/** `rows` rows, streamed to `path`: row r names user `userAt(r)` (by default user r); resolves to the file's size. */
export async function writeCsv(path: string, rows: number, userAt: (row: number) => number = (row) => row): Promise<number> {
  const out = createWriteStream(path);
  let chunk = 'To_Account,Attrs\n';
  for (let row = 1; row <= rows; row++) {
    chunk += `${userId(userAt(row))},city\n`;
    if (chunk.length > 1 << 20 || row === rows) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

/** `count` users spread evenly over the CSV's rows 1 … users. */
export function sampleIds(users: number, count: number): string[] {
  const n = Math.max(1, Math.min(count, users));
  return [...new Set(Array.from({ length: n }, (_, i) => userId(1 + Math.floor((i * users) / n))))];
}

/** The data rows whole within the file's first `bytes` bytes (its header line is not one). */
export async function rowsWithin(path: string, bytes: number): Promise<number> {
  if (bytes <= 0) return 0;
  let lines = 0;
  for await (const chunk of createReadStream(path, { end: bytes - 1 }) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return Math.max(0, lines - 1);
}
