import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import en from '../../messages/en';
import zh from '../../messages/zh';
import { describeFailure } from '../results/present';
import { APP_FAILURES, TIM_ERROR_CODES, TRANSPORT_FAILURES } from '../tim/policy';
import { flatten } from '../../test-support/catalogue';

/** The argument names a message uses, at any depth of its plurals and selects. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) into.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(e.value);
      for (const option of Object.values(e.options)) argumentsOf(option.value, into);
    }
    if (e.type === TYPE.tag) argumentsOf(e.children, into);
  }
  return into;
}

const english = flatten(en);
const chinese = flatten(zh);
const CJK = /[\u4e00-\u9fff]/;

describe('the two catalogues', () => {
  it('have the same keys: none in English only', () => {
    expect([...english.keys()].filter((k) => !chinese.has(k))).toEqual([]);
  });

  it('have the same keys: none in Chinese only', () => {
    expect([...chinese.keys()].filter((k) => !english.has(k))).toEqual([]);
  });

  it.each([...english.keys()])('%s parses in both and takes the same arguments', (key) => {
    const a = argumentsOf(parse(english.get(key)!));
    const b = argumentsOf(parse(chinese.get(key) ?? ''));
    expect([...b].sort()).toEqual([...a].sort());
  });

  it('the Chinese is Chinese: every message with words has Chinese characters', () => {
    // Messages that are only arguments or names (a plural of a number, `{explanation} {action}`) are exempt.
    const wordy = [...chinese].filter(([k]) => /[A-Za-z]{3,}/.test(english.get(k)!.replace(/\{[^{}]*\}/g, '')));
    expect(wordy.filter(([, v]) => !CJK.test(v)).map(([k]) => k)).toEqual([]);
  });
});

describe('every failure of the fact sheet has words in both languages', () => {
  const records = [
    ...TIM_ERROR_CODES.map((code) => ({ key: String(code), code, info: '' })),
    ...TRANSPORT_FAILURES.map((kind) => ({ key: `transport.${kind}`, code: null, info: 'HTTP 502' })),
    ...APP_FAILURES.map((kind) => ({ key: `app.${kind}`, code: null, info: 'prod' })),
  ];

  it.each(records.map((r) => [r.key, r] as const))('%s', (_key, record) => {
    const a = describeFailure(record, en);
    const b = describeFailure(record, zh);
    for (const part of ['title', 'explanation', 'action'] as const) {
      expect(b[part], part).not.toMatch(/^catalogue\.|[{}]/);
      expect(b[part], part).toMatch(CJK);
      expect(b[part], part).not.toBe(a[part]);
    }
  });
});
