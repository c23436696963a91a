import { describe, expect, it } from 'vitest';
import { negotiateLocale } from './locales';

describe('negotiateLocale', () => {
  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['zh-Hans', 'zh'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-FR,zh-TW;q=0.5', 'zh'],
    ['fr-FR,de;q=0.5', 'en'],
    ['en;q=0.2,zh;q=0.8', 'zh'],
    ['zh;q=0,en', 'en'],
    ['', 'en'],
    [';;;,,q=x,*', 'en'],
  ])('%s → %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });

  it('is bounded on a huge header', () => {
    expect(negotiateLocale(`${'xx,'.repeat(100_000)}zh`)).toBe('en');
  });
});
