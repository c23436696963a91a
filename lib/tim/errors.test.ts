import { describe, expect, it } from 'vitest';
import {
  TIM_ERROR_CODES,
  describeTimError,
  describeTransportFailure,
  type CatalogueEntry,
  type Handling,
  type TransportFailure,
} from './errors';

// Extracted by hand from tim-api-facts.md §4 (4a, 4b, 4c). Kept literal so the test needs no file
// outside the repo; if the fact sheet grows, this list and the catalogue must grow together.
const FACT_SHEET_CODES = [
  // 4a — push-API private codes
  90001, 90009, 90018, 90033, 90035, 91000,
  // 4b — common REST codes
  60002, 60003, 60004, 60005, 60006, 60007, 60008, 60009, 60010, 60011, 60012, 60013, 60014, 60015, 60016,
  60017, 60018, 60019, 60020, 60021, 60025, 60026,
  // 4c — account / auth codes
  70001, 70003, 70009, 70013, 70014, 70016, 70020, 70050, 70051, 70107, 70169, 70402, 70403, 70500,
] as const;

const EXPECTED_HANDLING: Readonly<Record<Handling, readonly number[]>> = {
  retry: [91000, 60008, 60013, 60014, 70169, 70500],
  'rate-limited': [60007, 60011, 60018, 60019],
  'renew-usersig': [70001, 70003, 60004, 60005],
  'split-batch': [90018],
  permanent: [70107, 70051, 90033, 90035, 70402],
  fatal: [
    90001, 90009, 60002, 60003, 60006, 60009, 60010, 60012, 60015, 60016, 60017, 60020, 60021, 60025, 60026,
    70009, 70013, 70014, 70016, 70020, 70050, 70403,
  ],
};

const TRANSPORT_KINDS: readonly TransportFailure[] = ['timeout', 'network', 'http-5xx', 'http-status', 'bad-response'];

const GENERIC_TITLE = describeTimError(1).title;

function allEntries(): CatalogueEntry[] {
  return [
    ...TIM_ERROR_CODES.map((c) => describeTimError(c)),
    ...TRANSPORT_KINDS.map((k) => describeTransportFailure(k)),
    ...TRANSPORT_KINDS.map((k) => describeTransportFailure(k, 'HTTP 502')),
  ];
}

describe('catalogue completeness', () => {
  it('lists exactly the fact-sheet codes', () => {
    expect(new Set(FACT_SHEET_CODES).size).toBe(FACT_SHEET_CODES.length);
    expect([...TIM_ERROR_CODES].sort((a, b) => a - b)).toEqual([...FACT_SHEET_CODES].sort((a, b) => a - b));
  });

  it.each(FACT_SHEET_CODES)('%i has a specific, complete entry', (code) => {
    const e = describeTimError(code);
    expect(e.key).toBe(String(code));
    expect(e.code).toBe(code);
    expect(e.title).not.toBe(GENERIC_TITLE);
    for (const text of [e.title, e.explanation, e.action]) {
      expect(text.trim().length).toBeGreaterThan(0);
    }
    // A known code's text must not depend on what the server said.
    expect(describeTimError(code, 'server said something')).toEqual(e);
  });

  it('every code in the expected-handling table is a catalogue code, each exactly once', () => {
    const listed = Object.values(EXPECTED_HANDLING).flat();
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.sort((a, b) => a - b)).toEqual([...TIM_ERROR_CODES].sort((a, b) => a - b));
  });

  it('titles are unique and in sentence case', () => {
    const titles = allEntries()
      .filter((e, i, all) => all.findIndex((o) => o.key === e.key) === i)
      .map((e) => e.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles).not.toContain(GENERIC_TITLE);
    for (const t of titles) {
      expect(t[0]).toBe(t[0]?.toUpperCase());
      expect(t.endsWith('.')).toBe(false);
    }
  });

  it('TIM_ERROR_CODES cannot be modified by callers', () => {
    expect(Object.isFrozen(TIM_ERROR_CODES)).toBe(true);
  });
});

describe('handling', () => {
  for (const [handling, codes] of Object.entries(EXPECTED_HANDLING)) {
    it.each(codes)(`%i → ${handling}`, (code) => {
      expect(describeTimError(code).handling).toBe(handling);
    });
  }
});

describe('configuration hints', () => {
  const mentions = (code: number, variable: string): void => {
    const e = describeTimError(code);
    expect(`${e.explanation} ${e.action}`).toContain(variable);
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
    for (const c of [90009, 60010, 70403]) {
      expect(describeTimError(c).action).toMatch(/App admin/);
    }
  });
});

describe('unknown codes', () => {
  it('returns a generic permanent entry with the code and ErrorInfo', () => {
    const e = describeTimError(12345, 'something odd happened');
    expect(e).toMatchObject({ key: '12345', code: 12345, handling: 'permanent' });
    expect(e.explanation).toContain('12345');
    expect(e.explanation).toContain('something odd happened');
    expect(e.action.length).toBeGreaterThan(0);
  });

  it('works without ErrorInfo or with an empty one', () => {
    for (const info of [undefined, '', '   ']) {
      const e = describeTimError(4242, info);
      expect(e.explanation).toContain('4242');
      expect(e.explanation).not.toContain('""');
    }
  });

  it('truncates long ErrorInfo to about 200 characters', () => {
    const long = 'x'.repeat(1000);
    const e = describeTimError(99999, long);
    expect(e.explanation).toContain('x'.repeat(200));
    expect(e.explanation).not.toContain('x'.repeat(201));
    expect(e.explanation).toContain('…');
    expect(e.explanation.length).toBeLessThan(400);
  });

  it('does not split a surrogate pair when truncating', () => {
    const e = describeTimError(99999, '😀'.repeat(300));
    expect(e.explanation).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('keeps ErrorInfo as plain single-line text', () => {
    const e = describeTimError(99998, 'line one\nline two\r\n\tend <b>bold</b>');
    expect(e.explanation).not.toMatch(/[\r\n\t]/);
    expect(e.explanation).toContain('line one line two end');
    // Plain text: the UI escapes it; we neither strip nor render markup.
    expect(e.explanation).toContain('<b>bold</b>');
  });

  it('masks addresses and signature parameters that a server might echo', () => {
    const e = describeTimError(
      99997,
      'bad request https://console.tim.qq.com/v4/timpush/remove_attr?usersig=eJyrSECRET&identifier=admin&sdkappid=1400000000 usersig=eJyOTHER',
    );
    expect(e.explanation).not.toContain('SECRET');
    expect(e.explanation).not.toContain('eJyOTHER');
    expect(e.explanation).not.toMatch(/https?:\/\//);
    expect(e.explanation).toContain('bad request');
  });

  it('handles non-integer codes without finding a known entry', () => {
    expect(describeTimError(Number.NaN).handling).toBe('permanent');
    expect(describeTimError(70107.5).title).toBe(GENERIC_TITLE);
  });
});

describe('transport failures', () => {
  const expected: Readonly<Record<TransportFailure, Handling>> = {
    timeout: 'retry',
    network: 'retry',
    'http-5xx': 'retry',
    'http-status': 'fatal',
    'bad-response': 'retry',
  };

  it.each(TRANSPORT_KINDS)('%s has a complete entry with the right handling', (kind) => {
    const e = describeTransportFailure(kind);
    expect(e.key).toBe(`transport.${kind}`);
    expect(e.code).toBeNull();
    expect(e.handling).toBe(expected[kind]);
    for (const text of [e.title, e.explanation, e.action]) {
      expect(text.trim().length).toBeGreaterThan(0);
    }
    expect(e.explanation).not.toMatch(/\(\)|undefined|null/);
  });

  it('weaves the detail into the explanation', () => {
    expect(describeTransportFailure('http-5xx', 'HTTP 502').explanation).toContain('HTTP 502');
    expect(describeTransportFailure('timeout', 'after 10000 ms').explanation).toContain('after 10000 ms');
    expect(describeTransportFailure('http-status', 'HTTP 404').explanation).toContain('HTTP 404');
  });

  it('network explanation points at TIM_REGION, TIM_BASE_URL and the network', () => {
    const e = describeTransportFailure('network', 'ECONNREFUSED');
    expect(e.explanation).toContain('TIM_REGION');
    expect(e.explanation).toContain('TIM_BASE_URL');
    expect(e.explanation).toMatch(/network/i);
    expect(e.explanation).toContain('ECONNREFUSED');
  });

  it('http-status action points at TIM_BASE_URL', () => {
    expect(describeTransportFailure('http-status', 'HTTP 404').action).toContain('TIM_BASE_URL');
  });

  it('never lets a URL or signature in the detail through', () => {
    const e = describeTransportFailure(
      'network',
      'connect ECONNREFUSED for http://127.0.0.1:4010/v4/timpush/remove_attr?sdkappid=1&usersig=eJySECRET&random=5',
    );
    expect(e.explanation).not.toContain('eJySECRET');
    expect(e.explanation).not.toMatch(/https?:\/\//);
    expect(e.explanation).toContain('ECONNREFUSED');
  });
});

describe('texts are safe to show and log', () => {
  it('no entry contains a URL or a query fragment', () => {
    for (const e of allEntries()) {
      for (const text of [e.title, e.explanation, e.action]) {
        expect(text).not.toMatch(/https?:\/\//i);
        expect(text).not.toMatch(/usersig=|[?&](identifier|sdkappid|random|contenttype)=/i);
      }
    }
  });

  it('returned entries are independent copies', () => {
    const a = describeTimError(70107);
    a.title = 'changed';
    expect(describeTimError(70107).title).toBe('Account not found');
  });
});
