// `npm run size [-- --baseline DIR]`: the JavaScript a browser loads first for /remove and /bulk,
// gzipped, from the production build in .next (run `next build` first). With --baseline, the same
// from another checkout's build and the difference, so a change's cost is read in one run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const ROUTES = ['/remove', '/bulk'];

/** The route's scripts: the runtime every page loads, and the client chunks of its layouts, boundaries and page. */
function firstLoadFiles(dotNext: string, route: string): string[] {
  const page = join(dotNext, 'server/app', route);
  const build = JSON.parse(readFileSync(join(page, 'page/build-manifest.json'), 'utf8')) as { rootMainFiles: string[] };
  const holder: { __RSC_MANIFEST?: Record<string, { entryJSFiles: Record<string, string[]> }> } = {};
  new Function('globalThis', readFileSync(join(page, 'page_client-reference-manifest.js'), 'utf8'))(holder);
  const entries = holder.__RSC_MANIFEST![`${route}/page`]!.entryJSFiles;
  return [...new Set([...build.rootMainFiles, ...Object.values(entries).flat()])];
}

function gzippedKb(dotNext: string, route: string): { kb: number; files: number } {
  const files = firstLoadFiles(dotNext, route);
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dotNext, file))).length, 0);
  return { kb: bytes / 1024, files: files.length };
}

const { values } = parseArgs({ options: { baseline: { type: 'string' } } });
for (const route of ROUTES) {
  const now = gzippedKb('.next', route);
  let line = `first-load JS ${route}: ${now.kb.toFixed(1)} KB gzipped (${now.files} files)`;
  if (values.baseline) {
    const before = gzippedKb(join(values.baseline, '.next'), route);
    line += `; baseline ${before.kb.toFixed(1)} KB; ${now.kb >= before.kb ? '+' : ''}${(now.kb - before.kb).toFixed(1)} KB (${(now.kb / before.kb).toFixed(3)} ×)`;
  }
  console.log(line);
}
