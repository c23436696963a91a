import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import en from '../../messages/en';
import zh from '../../messages/zh';
import { cjkLeaks, latinLeaks } from '../../test-support/language-leak';
import { flatten } from '../../test-support/catalogue';

/** The text a message itself writes, in every branch: not its argument names, select keys or tag names. */
function literalText(elements: MessageFormatElement[], out: string[] = []): string {
  for (const e of elements) {
    if (e.type === TYPE.literal) out.push(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) for (const option of Object.values(e.options)) literalText(option.value, out);
    if (e.type === TYPE.tag) literalText(e.children, out);
  }
  return out.join(' ');
}

const written = (catalogue: unknown) => [...flatten(catalogue)].map(([key, message]) => [key, literalText(parse(message))] as const);

/**
 * Where ASCII double quotes are the subject, not punctuation: the CSV rule that a quote inside a
 * quoted cell is written "" must show the characters to type.
 */
const ASCII_QUOTES_MEANT = new Set(['csv.badQuotes']);

describe('no word left from the other language', () => {
  it('the Chinese catalogue writes no English word but product terms, codes and configuration names', () => {
    const leaks = written(zh).flatMap(([key, text]) => latinLeaks(text).map((word) => `${key}: ${word}`));
    expect(leaks).toEqual([]);
  });

  it('the English catalogue writes no Chinese', () => {
    const leaks = written(en).flatMap(([key, text]) => cjkLeaks(text).map((run) => `${key}: ${run}`));
    expect(leaks).toEqual([]);
  });

  it('Chinese messages quote with “” like the rest of the catalogue, never ASCII quotes or 「」', () => {
    const wrong = written(zh).filter(([key, text]) => (/["「」]/.test(text) && !ASCII_QUOTES_MEANT.has(key)) || /[「」]/.test(text));
    expect(wrong.map(([key]) => key)).toEqual([]);
  });

  it('the checks find what they are for', () => {
    expect(latinLeaks('已完成（add）：ops-en。', ['ops-en'])).toEqual(['add']);
    expect(latinLeaks('地域 china')).toEqual(['china']);
    expect(latinLeaks('请检查 TIM_REGION 和 SDKAppID，并使用 set_attr', ['city'])).toEqual([]);
    expect(latinLeaks('属性 city 已移除', ['city'])).toEqual([]);
    expect(latinLeaks('请使用 https:// 例如 https://hooks.example.com/tim 的 page')).toEqual(['page']);
    expect(cjkLeaks('Region 中国')).toEqual(['中国']);
    expect(cjkLeaks('Removed 城市 from 张三', ['张三'])).toEqual(['城市']);
  });
});
