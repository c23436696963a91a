import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browserRuns, BrowserNotFound, findBrowser, getBrowser, HOW_TO_GET_A_BROWSER, type BrowserLookup } from './browser';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'browser-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in binary: `--version` succeeds or fails, as a real one with or without its libraries. */
function binary(name: string, starts = true): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${starts ? 'echo "Chromium 1.0"' : 'echo "missing libnss3.so" >&2; exit 127'}\n`);
  chmodSync(path, 0o755);
  return path;
}

const lookup = (over: Partial<BrowserLookup>): BrowserLookup => ({
  env: {},
  systemCandidates: [],
  playwrightPath: () => undefined,
  runs: browserRuns,
  ...over,
});

describe('findBrowser', () => {
  it('takes CHROMIUM_PATH before a system browser and the managed one', () => {
    const chosen = binary('my-chrome');
    const system = binary('chromium');
    const managed = binary('chrome');
    expect(findBrowser(lookup({ env: { CHROMIUM_PATH: chosen }, systemCandidates: [system], playwrightPath: () => managed }))).toEqual({ path: chosen, source: 'CHROMIUM_PATH' });
  });

  it('refuses a CHROMIUM_PATH that names nothing or does not start, instead of picking another', () => {
    const system = binary('chromium');
    expect(() => findBrowser(lookup({ env: { CHROMIUM_PATH: join(dir, 'absent') }, systemCandidates: [system] }))).toThrow(/CHROMIUM_PATH=.*absent is not an executable file/);
    const broken = binary('broken', false);
    expect(() => findBrowser(lookup({ env: { CHROMIUM_PATH: broken }, systemCandidates: [system] }))).toThrow(/does not start/);
  });

  it('takes the first system browser that starts, skipping missing and broken ones', () => {
    const broken = binary('chromium', false);
    const chrome = binary('google-chrome');
    expect(findBrowser(lookup({ systemCandidates: [join(dir, 'absent'), broken, chrome], playwrightPath: () => binary('chrome') }))).toEqual({ path: chrome, source: 'system' });
  });

  it("falls back to Playwright's managed browser only when it is installed", () => {
    const managed = join(dir, 'chrome');
    expect(findBrowser(lookup({ playwrightPath: () => managed }))).toBeUndefined();
    binary('chrome');
    expect(findBrowser(lookup({ playwrightPath: () => managed }))).toEqual({ path: managed, source: 'playwright' });
  });

  it('only checks that the file exists when not asked to verify (the config)', () => {
    const broken = binary('chromium', false);
    expect(findBrowser(lookup({ systemCandidates: [broken] }), false)).toEqual({ path: broken, source: 'system' });
  });
});

describe('getBrowser', () => {
  it('runs the installers in turn until one leaves a browser, and no further', () => {
    const system = join(dir, 'chromium');
    const tried: string[] = [];
    const found = getBrowser(lookup({ systemCandidates: [system] }), [
      { name: 'playwright', run: () => (tried.push('playwright'), false) },
      { name: 'apt', run: () => (tried.push('apt'), binary('chromium'), true) },
      { name: 'never', run: () => (tried.push('never'), true) },
    ]);
    expect(found).toEqual({ path: system, source: 'system' });
    expect(tried).toEqual(['playwright', 'apt']);
  });

  it('stops with the ways to get a browser when every installer fails', () => {
    expect(() => getBrowser(lookup({}), [{ name: 'playwright', run: () => false }])).toThrow(BrowserNotFound);
    expect(() => getBrowser(lookup({}), [])).toThrow(HOW_TO_GET_A_BROWSER);
    expect(HOW_TO_GET_A_BROWSER).toMatch(/CHROMIUM_PATH/);
    expect(HOW_TO_GET_A_BROWSER).toMatch(/apt-get install -y chromium/);
    expect(HOW_TO_GET_A_BROWSER).toMatch(/playwright install/);
  });
});
