#!/usr/bin/env node
// The command-line tool: a client of a console's /api/v1 (it never opens a database), written in
// TypeScript and run through tsx, which the console already depends on.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../cli/main.ts', import.meta.url);
const code = await main(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  env: process.env,
  readFile: (path) => readFile(path, 'utf8'),
  openFile: async (path) => ({ size: (await stat(path)).size, chunks: createReadStream(path) }),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
process.exitCode = code;
