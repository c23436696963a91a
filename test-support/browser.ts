// The browser the browser tests drive. `npm test` calls `getBrowser` before any test, so a fresh
// machine finds or installs one by itself; playwright.config.ts calls `findBrowser`, which only looks.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

// Resolved from the project, as `npm test` runs: Playwright's config may load this file as CommonJS.
const require = createRequire(join(process.cwd(), 'package.json'));

export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'playwright';
export type FoundBrowser = { path: string; source: BrowserSource };

/** Where a system Chromium or Chrome lives on Linux, in the order they are tried. */
export const SYSTEM_BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const SYSTEM_BROWSER_DIRS = ['/usr/bin', '/usr/local/bin', '/snap/bin'];

export type BrowserLookup = {
  env: Record<string, string | undefined>;
  /** Full paths tried after CHROMIUM_PATH, in order. */
  systemCandidates: string[];
  /** The managed Chromium Playwright would use (it may not be installed yet). */
  playwrightPath: () => string | undefined;
  /** Whether a binary starts at all: a missing shared library fails even `--version`. */
  runs: (path: string) => boolean;
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function systemCandidates(env: NodeJS.ProcessEnv): string[] {
  const dirs = [...SYSTEM_BROWSER_DIRS, ...(env.PATH ?? '').split(delimiter).filter(Boolean)];
  return SYSTEM_BROWSER_NAMES.flatMap((name) => [...new Set(dirs)].map((dir) => join(dir, name)));
}

function playwrightPath(): string | undefined {
  try {
    const { chromium } = require('playwright-core') as { chromium: { executablePath(): string } };
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

export function browserRuns(path: string): boolean {
  const result = spawnSync(path, ['--version'], { stdio: 'pipe', timeout: 30_000 });
  return result.status === 0;
}

export const defaultLookup = (env: NodeJS.ProcessEnv = process.env): BrowserLookup => ({
  env,
  systemCandidates: systemCandidates(env),
  playwrightPath,
  runs: browserRuns,
});

export class BrowserNotFound extends Error {}

/**
 * CHROMIUM_PATH, then a system Chromium or Chrome, then Playwright's managed Chromium. A
 * CHROMIUM_PATH that names nothing runnable is an error, not a reason to pick another browser.
 * `verify` starts each candidate with `--version`; the config skips it (it only needs a path).
 */
export function findBrowser(lookup: BrowserLookup = defaultLookup(), verify = true): FoundBrowser | undefined {
  const chosen = lookup.env.CHROMIUM_PATH;
  if (chosen) {
    if (!executable(chosen)) throw new BrowserNotFound(`CHROMIUM_PATH=${chosen} is not an executable file.`);
    if (verify && !lookup.runs(chosen)) throw new BrowserNotFound(`CHROMIUM_PATH=${chosen} does not start (\`${chosen} --version\` failed).`);
    return { path: chosen, source: 'CHROMIUM_PATH' };
  }
  for (const path of lookup.systemCandidates) {
    if (executable(path) && (!verify || lookup.runs(path))) return { path, source: 'system' };
  }
  const managed = lookup.playwrightPath();
  if (managed && existsSync(managed) && (!verify || lookup.runs(managed))) return { path: managed, source: 'playwright' };
  return undefined;
}

export const HOW_TO_GET_A_BROWSER = [
  'No Chromium for the browser tests. Any one of these makes `npm test` work:',
  '  - set CHROMIUM_PATH to a Chromium or Chrome binary;',
  '  - install one on the system: `apt-get install -y chromium` (Debian), `apt-get install -y chromium-browser` (Ubuntu),',
  '    `dnf install chromium` (Fedora), or Google Chrome;',
  "  - let Playwright fetch its own: `npx playwright install --with-deps chromium` (needs Playwright's download site).",
].join('\n');

export type Installer = { name: string; run: () => boolean };

function debianLike(): boolean {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
  } catch {
    return false;
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 600_000): boolean {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env, timeout });
  if (result.error) console.log(`  ${result.error.message}`);
  return result.status === 0;
}

/** Playwright's own download first (wherever its site is reachable), then Debian's package as root. */
export function defaultInstallers(): Installer[] {
  const installers: Installer[] = [];
  const root = process.getuid?.() === 0;
  let cli: string | undefined;
  try {
    cli = require.resolve('playwright/cli');
  } catch {
    cli = undefined;
  }
  if (cli) {
    const playwrightCli = cli;
    // A download site that is out of reach should fail in seconds, not after its retries time out.
    const env = { ...process.env, PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT: process.env.PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT ?? '15000' };
    installers.push({
      name: 'npx playwright install chromium',
      // The system libraries it needs come after the download, so an unreachable site costs no apt run.
      run: () => run(process.execPath, [playwrightCli, 'install', 'chromium'], env) && (!(root && debianLike()) || run(process.execPath, [playwrightCli, 'install-deps', 'chromium'], env)),
    });
  }
  if (root && debianLike()) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    installers.push({
      name: 'apt-get install -y chromium',
      run: () => run('apt-get', ['update'], env) && (run('apt-get', ['install', '-y', 'chromium'], env) || run('apt-get', ['install', '-y', 'chromium-browser'], env)),
    });
  }
  return installers;
}

/** Finds a browser, or installs one with each installer in turn until one is found. */
export function getBrowser(lookup: BrowserLookup = defaultLookup(), installers: Installer[] = defaultInstallers()): FoundBrowser {
  const found = findBrowser(lookup);
  if (found) return found;
  for (const installer of installers) {
    console.log(`No Chromium found; trying \`${installer.name}\`…`);
    installer.run();
    const after = findBrowser(lookup);
    if (after) return after;
  }
  throw new BrowserNotFound(HOW_TO_GET_A_BROWSER);
}
