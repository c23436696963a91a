/**
 * Cells a spreadsheet would run as a formula start with one of these (OWASP "CSV injection");
 * such cells get a leading apostrophe so they are shown as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Excel opens a CSV as the system's legacy code page (GBK, Windows-1252) unless the file starts
 * with a UTF-8 byte order mark, and then garbles every Chinese explanation. Our own reader and
 * other tools skip it.
 */
export const UTF8_BOM = '\uFEFF';

/** A CSV file as bytes, the mark first, then each group of lines as it is produced. */
export function csvStream(lines: AsyncIterable<string>): ReadableStream<Uint8Array> {
  return lineStream(lines, UTF8_BOM);
}

/** Text as bytes: `first`, then each group of lines as it is produced (and asked for). */
export function lineStream(lines: AsyncIterable<string>, first = ''): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = lines[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (first) controller.enqueue(encoder.encode(first));
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}
