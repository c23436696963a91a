// The generated CSV: its users, and a sample of them spread over the file.
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';

/** The i-th user of the CSV: a seeded ID, except every 100th, which the simulator does not know (70107). */
export const userId = (n: number) => (n % 100 === 0 ? `nobody${n}` : `user${String(n).padStart(5, '0')}`);

export async function writeCsv(path: string, users: number): Promise<number> {
  const out = createWriteStream(path);
  let chunk = 'To_Account,Attrs\n';
  for (let n = 1; n <= users; n++) {
    chunk += `${userId(n)},city\n`;
    if (chunk.length > 1 << 20 || n === users) {
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
