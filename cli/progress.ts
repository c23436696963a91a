/** Progress on stderr: a bar redrawn in place on a terminal, a plain line every 5 s otherwise (a log, a CI job). */
export function createProgress(err: NodeJS.WritableStream & { isTTY?: boolean }, nowMs: () => number = Date.now) {
  let lastLineMs = -Infinity;
  let drawn = false;
  return {
    update(done: number, total: number, perSecond: number | null, unit: 'users' | 'bytes' = 'users') {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      const rate = perSecond ? `, ${Math.round(perSecond)} ${unit}/s` : '';
      if (err.isTTY) {
        const width = 30;
        const filled = Math.round((percent / 100) * width);
        err.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}% ${done}/${total}${rate}  `);
        drawn = true;
      } else if (nowMs() - lastLineMs >= 5000) {
        err.write(`${done}/${total} ${unit} (${percent}%)${rate}\n`);
        lastLineMs = nowMs();
      }
    },
    done() {
      if (drawn) err.write('\n');
    },
  };
}
