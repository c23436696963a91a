import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import catalogue from '../../messages/en/catalogue.json';
import en from '../../messages/en';
import { describeFailure, type FailureDescription } from '../results/present';
import { APP_FAILURES, TIM_ERROR_CODES, TRANSPORT_FAILURES } from '../tim/policy';

/**
 * The words of messages/en/catalogue.json against the policy of lib/tim/policy.ts: every failure the
 * policy knows has its words, and the catalogue has no words for a failure the policy does not know.
 */

const PARTS = ['title', 'explanation', 'action'] as const;
const sections: Record<string, Record<string, unknown>> = catalogue;

/** The entry's parts, failing the test with the entry's name when one is missing or empty. */
function expectComplete(name: string, entry: unknown): void {
  expect(entry, `${name} has no entry`).toBeTypeOf('object');
  const parts = entry as Record<string, unknown>;
  expect(Object.keys(parts).sort(), `${name} has exactly title, explanation and action`).toEqual([...PARTS].sort());
  for (const part of PARTS) {
    const text = parts[part];
    expect(typeof text === 'string' && text.trim() !== '', `${name}.${part} is empty`).toBe(true);
  }
}

describe('catalogue completeness', () => {
  it('has exactly the sections tim, unknown, transport and app', () => {
    expect(Object.keys(sections).sort()).toEqual(['app', 'tim', 'transport', 'unknown']);
  });

  it.each(TIM_ERROR_CODES)('tim.%i has a title, an explanation and an action', (code) => {
    expectComplete(`tim.${code}`, sections.tim?.[String(code)]);
  });

  it.each(TRANSPORT_FAILURES)('transport.%s has a title, an explanation and an action', (kind) => {
    expectComplete(`transport.${kind}`, sections.transport?.[kind]);
  });

  it.each(APP_FAILURES)('app.%s has a title, an explanation and an action', (kind) => {
    expectComplete(`app.${kind}`, sections.app?.[kind]);
  });

  it('the unrecognised-code entry has a title, an explanation and an action', () => {
    expectComplete('unknown', sections.unknown);
  });

  it('has no entry for a code or kind the policy does not know', () => {
    const extra = (section: string, known: readonly (string | number)[]): string[] =>
      Object.keys(sections[section] ?? {}).filter((key) => !known.map(String).includes(key));
    expect(extra('tim', TIM_ERROR_CODES), 'TIM codes in the catalogue but not in lib/tim/policy.ts').toEqual([]);
    expect(extra('transport', TRANSPORT_FAILURES), 'transport kinds in the catalogue but not in the policy').toEqual([]);
    expect(extra('app', APP_FAILURES), 'app kinds in the catalogue but not in the policy').toEqual([]);
  });
});

const records = (info: string) => [
  ...TIM_ERROR_CODES.map((code) => ({ key: String(code), code, info })),
  { key: '12345', code: 12345, info },
  ...TRANSPORT_FAILURES.map((kind) => ({ key: `transport.${kind}`, code: null, info })),
  ...APP_FAILURES.map((kind) => ({ key: `app.${kind}`, code: null, info })),
];

describe('every entry renders', () => {
  let errors: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    errors.mockRestore();
  });

  it.each(['', 'HTTP 502'])('with detail %j: no missing value, no ICU syntax left, no fallback key', (info) => {
    for (const record of records(info)) {
      const d = describeFailure(record, en);
      for (const part of PARTS) {
        expect(d[part], `${record.key}.${part}`).not.toMatch(/[{}]|^catalogue\.|undefined|null|\(\)/);
      }
    }
    // next-intl reports a missing message or a bad argument through console.error.
    expect(errors).not.toHaveBeenCalled();
  });
});

describe('texts', () => {
  const entries: FailureDescription[] = records('').map((r) => describeFailure(r, en));

  it('titles are unique and in sentence case', () => {
    const titles = entries.map((e) => e.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const t of titles) {
      expect(t[0]).toBe(t[0]?.toUpperCase());
      expect(t.endsWith('.')).toBe(false);
    }
  });

  it('no entry contains a URL or a query fragment', () => {
    for (const e of entries) {
      for (const part of PARTS) {
        expect(e[part]).not.toMatch(/https?:\/\//i);
        expect(e[part]).not.toMatch(/usersig=|[?&](identifier|sdkappid|random|contenttype)=/i);
      }
    }
  });
});

describe('configuration hints', () => {
  const tim = catalogue.tim as Record<string, { explanation: string; action: string }>;
  const mentions = (code: number, variable: string): void => {
    const e = tim[String(code)];
    expect(`${e?.explanation} ${e?.action}`, `tim.${code}`).toContain(variable);
  };

  it('names the variable to fix', () => {
    mentions(70009, 'TIM_SECRET_KEY');
    for (const c of [60026, 70016, 70020]) mentions(c, 'TIM_REGION');
    for (const c of [90009, 60010, 70403]) mentions(c, 'TIM_ADMIN_IDENTIFIER');
    for (const c of [60006, 70014, 70016, 70020]) mentions(c, 'TIM_SDKAPPID');
    for (const c of [60007, 60011, 60018, 60019]) mentions(c, 'TIM_MAX_QPS');
    for (const c of [60009]) mentions(c, 'TIM_BASE_URL');
  });

  it('says App admin for the permission codes', () => {
    for (const c of [90009, 60010, 70403]) expect(tim[String(c)]?.action).toMatch(/App admin/);
  });

  it('points transport failures at the settings to check', () => {
    expect(catalogue.transport.network.explanation).toContain('TIM_REGION');
    expect(catalogue.transport.network.explanation).toContain('TIM_BASE_URL');
    expect(catalogue.transport.network.explanation).toMatch(/network/i);
    expect(catalogue.transport['http-status'].action).toContain('TIM_BASE_URL');
    expect(catalogue.transport.timeout.action).toContain('TIM_TIMEOUT_MS');
    for (const kind of APP_FAILURES) expect(catalogue.app[kind].action).toContain('TIM_APPS_FILE');
  });
});
