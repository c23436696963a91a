import { describe, expect, it } from 'vitest';
import {
  APP_FAILURES,
  TIM_ERROR_CODES,
  TRANSPORT_FAILURES,
  appHandling,
  failureKey,
  handlingOf,
  isKnownTimCode,
  parseFailureKey,
  timHandling,
  transportHandling,
  type AppFailure,
  type FailureRef,
  type Handling,
  type TransportFailure,
} from './policy';

// Extracted by hand from tim-api-facts.md §4 (4a, 4b, 4c). Kept literal so the test needs no file
// outside the repo; if the fact sheet grows, this list and the policy must grow together.
const FACT_SHEET_CODES = [
  // 4a — push-API private codes
  90001, 90009, 90018, 90033, 90035, 91000,
  // 4b — common REST codes
  60002, 60003, 60004, 60005, 60006, 60007, 60008, 60009, 60010, 60011, 60012, 60013, 60014, 60015, 60016,
  60017, 60018, 60019, 60020, 60021, 60025, 60026,
  // 4c — account / auth codes
  70001, 70003, 70009, 70013, 70014, 70016, 70020, 70050, 70051, 70107, 70169, 70402, 70403, 70500,
] as const;

// The sheet's "Retry?" column: "Yes" → retry (or rate-limited when it is a rate limit), "after
// regenerating" → renew-usersig, "split the batch" → split-batch, "No; fix config" → fatal, and "No"
// for one user's own data → permanent.
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

const ascending = (codes: readonly number[]): number[] => [...codes].sort((a, b) => a - b);

describe('known codes', () => {
  it('lists exactly the fact-sheet codes, ascending', () => {
    expect(new Set(FACT_SHEET_CODES).size).toBe(FACT_SHEET_CODES.length);
    expect(TIM_ERROR_CODES).toEqual(ascending(FACT_SHEET_CODES));
  });

  it.each(FACT_SHEET_CODES)('%i is known', (code) => {
    expect(isKnownTimCode(code)).toBe(true);
  });

  it('every code in the expected-handling table is a known code, each exactly once', () => {
    const listed = Object.values(EXPECTED_HANDLING).flat();
    expect(new Set(listed).size).toBe(listed.length);
    expect(ascending(listed)).toEqual(TIM_ERROR_CODES);
  });

  it('the code lists cannot be modified by callers', () => {
    expect(Object.isFrozen(TIM_ERROR_CODES)).toBe(true);
    expect(Object.isFrozen(TRANSPORT_FAILURES)).toBe(true);
    expect(Object.isFrozen(APP_FAILURES)).toBe(true);
  });
});

describe('handling', () => {
  for (const [handling, codes] of Object.entries(EXPECTED_HANDLING)) {
    it.each(codes)(`%i → ${handling}`, (code) => {
      expect(timHandling(code)).toBe(handling);
    });
  }

  it('an unknown code fails only its user or batch: permanent', () => {
    for (const code of [12345, 0, -1, 70107.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isKnownTimCode(code)).toBe(false);
      expect(timHandling(code)).toBe('permanent');
    }
  });
});

describe('transport failures', () => {
  const expected: Readonly<Record<TransportFailure, Handling>> = {
    timeout: 'retry',
    network: 'retry',
    'http-5xx': 'retry',
    'http-status': 'fatal',
    'bad-response': 'retry',
    'too-large': 'retry',
  };

  it('lists every kind', () => {
    expect([...TRANSPORT_FAILURES].sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s → %s', (kind, handling) => {
    expect(transportHandling(kind as TransportFailure)).toBe(handling);
  });
});

describe('app failures', () => {
  const expected: Readonly<Record<AppFailure, Handling>> = { removed: 'fatal', changed: 'fatal' };

  it('lists every kind', () => {
    expect([...APP_FAILURES].sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s → %s', (kind, handling) => {
    expect(appHandling(kind as AppFailure)).toBe(handling);
  });
});

describe('failure keys', () => {
  const refs: FailureRef[] = [
    ...TIM_ERROR_CODES.map((code): FailureRef => ({ kind: 'tim', code })),
    { kind: 'tim', code: 12345 },
    ...TRANSPORT_FAILURES.map((failure): FailureRef => ({ kind: 'transport', failure })),
    ...APP_FAILURES.map((failure): FailureRef => ({ kind: 'app', failure })),
  ];

  it('are the stored format: the code, transport.<kind>, app.<kind>', () => {
    expect(failureKey({ kind: 'tim', code: 70107 })).toBe('70107');
    expect(failureKey({ kind: 'transport', failure: 'http-5xx' })).toBe('transport.http-5xx');
    expect(failureKey({ kind: 'app', failure: 'removed' })).toBe('app.removed');
  });

  it.each(refs)('$kind %# reads back to itself with the same handling', (ref) => {
    const code = ref.kind === 'tim' ? ref.code : null;
    const back = parseFailureKey(failureKey(ref), code);
    expect(back).toEqual(ref);
    expect(handlingOf(back)).toBe(ref.kind === 'tim' ? timHandling(ref.code) : ref.kind === 'transport' ? transportHandling(ref.failure) : appHandling(ref.failure));
  });

  it('reads a TIM key without a stored code from the key', () => {
    expect(parseFailureKey('70107', null)).toEqual({ kind: 'tim', code: 70107 });
  });

  it('reads a key it does not know as an unrecognised TIM code, never throws', () => {
    expect(parseFailureKey('transport.carrier-pigeon', null)).toMatchObject({ kind: 'tim' });
    expect(parseFailureKey('app.constructor', null)).toMatchObject({ kind: 'tim' });
    expect(parseFailureKey('transport.__proto__', 4242)).toEqual({ kind: 'tim', code: 4242 });
    expect(handlingOf(parseFailureKey('unknown', null))).toBe('permanent');
  });
});
