import { describe, expect, it } from 'vitest';
import { messagesFor } from './catalogues';
import { formatDateTime, formatDuration, formatNumber } from './format';

describe('formatNumber', () => {
  it.each([
    ['en', 20000, '20,000'],
    ['zh', 20000, '20,000'],
    ['en', 10_000_000, '10,000,000'],
    ['zh', 1998, '1,998'],
    ['en', 0, '0'],
    ['en', 12.25, '12.3'],
  ] as const)('%s %d → %s', (locale, value, text) => {
    expect(formatNumber(value, locale)).toBe(text);
  });
});

describe('formatDateTime', () => {
  it('writes a stored ISO time as the console shows it everywhere, in UTC with its zone', () => {
    expect(formatDateTime('2026-12-06T22:31:26.734Z')).toBe('2026-12-06 22:31:26 UTC');
  });

  it('gives the same text for epoch milliseconds, as the staged time arrives', () => {
    expect(formatDateTime(Date.UTC(2026, 11, 6, 22, 31, 7))).toBe('2026-12-06 22:31:07 UTC');
  });

  it('uses a 24-hour clock from midnight', () => {
    expect(formatDateTime('2026-01-02T00:05:09Z')).toBe('2026-01-02 00:05:09 UTC');
  });
});

describe('formatDuration', () => {
  const en = messagesFor('en');
  const zh = messagesFor('zh');

  it.each([
    [2_400, '2.4 s', '2.4 秒'],
    [400, '0.4 s', '0.4 秒'],
    [45_000, '45 s', '45 秒'],
    [134_000, '2 min 14 s', '2 分 14 秒'],
    [120_000, '2 min 0 s', '2 分 0 秒'],
    [3_900_000, '1 h 5 min', '1 小时 5 分'],
    [-5, '0 s', '0 秒'],
  ])('%d ms → %s / %s', (ms, english, chinese) => {
    expect(formatDuration(ms, en)).toBe(english);
    expect(formatDuration(ms, zh)).toBe(chinese);
  });
});
