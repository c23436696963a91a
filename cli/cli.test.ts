import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from './exit-codes';
import { main, type Io } from './main';
import { createProgress } from './progress';

function sink(isTTY = false) {
  const chunks: string[] = [];
  const stream = Object.assign(new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) }), { isTTY });
  return { stream, text: () => chunks.join('') };
}

function io(env: Record<string, string>): { io: Io; out: () => string; err: () => string } {
  const out = sink();
  const err = sink();
  return { io: { out: out.stream, err: err.stream, env, readFile: async () => '', openFile: async () => ({ size: 0, chunks: (async function* () {})() }), sleep: async () => {} }, out: out.text, err: err.text };
}

describe('exit codes', () => {
  it('are 0 when every user succeeded, 1 when some failed or were not sent, 3 when the run stopped', () => {
    expect(exitCodeOf({ status: 'completed', failed: 0, notSent: 0 })).toBe(0);
    expect(exitCodeOf({ status: 'completed', failed: 2, notSent: 0 })).toBe(1);
    expect(exitCodeOf({ status: 'completed', failed: 0, notSent: 1 })).toBe(1);
    for (const status of ['failed', 'cancelled', 'interrupted'] as const) expect(exitCodeOf({ status, failed: 0, notSent: 0 })).toBe(3);
  });
});

describe('usage', () => {
  it('is 2, with the usage, for no command, an unknown one, a bad option or a missing run number', async () => {
    const env = { TIM_CONSOLE_URL: 'http://127.0.0.1:9', TIM_CONSOLE_TOKEN: 't' };
    for (const argv of [[], ['launch'], ['status', '--bogus'], ['status'], ['status', 'x'], ['remove', 'alice']]) {
      const run = io(env);
      expect(await main(argv, run.io), argv.join(' ')).toBe(2);
      expect(run.err()).toContain('Usage: tim-console');
    }
  });

  it('names the variable that is missing', async () => {
    const run = io({ TIM_CONSOLE_URL: 'http://127.0.0.1:9' });
    expect(await main(['apps'], run.io)).toBe(2);
    expect(run.err()).toMatch(/Set TIM_CONSOLE_TOKEN/);
  });

  it('prints the help to stdout with 0', async () => {
    const run = io({});
    expect(await main(['--help'], run.io)).toBe(0);
    expect(run.out()).toContain('Exit codes: 0 every user succeeded');
  });
});

describe('progress', () => {
  it('redraws a bar in place on a terminal', () => {
    const err = sink(true);
    const progress = createProgress(err.stream);
    progress.update(50, 200, 9.6);
    progress.update(200, 200, null);
    progress.done();
    expect(err.text()).toBe('\r[########----------------------] 25% 50/200, 10 users/s  \r[##############################] 100% 200/200  \n');
  });

  it('writes a plain line at most every 5 s elsewhere', () => {
    const err = sink(false);
    let now = 0;
    const progress = createProgress(err.stream, () => now);
    progress.update(1, 10, null);
    now = 4000;
    progress.update(2, 10, null);
    now = 5000;
    progress.update(3, 10, 1);
    progress.done();
    expect(err.text()).toBe('1/10 users (10%)\n3/10 users (30%), 1 users/s\n');
  });
});
