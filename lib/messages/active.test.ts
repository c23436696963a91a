import { describe, expect, it } from 'vitest';
import zh from '../../messages/zh';
import { removeFormSchema } from '../schemas/remove-form';
import { parseIn, withMessages } from './active';

const empty = { userIds: '', attrs: [], appId: 'default' };
/** Read inside the parse's catalogue: zod words an issue only when its message is first read. */
const messagesOf = (r: ReturnType<typeof removeFormSchema.safeParse>) => (r.success ? [] : r.error.issues.map((i) => i.message));
const CJK = /[\u4e00-\u9fff]/;

describe('zod messages in the reader’s language', () => {
  it('are Chinese inside a Chinese parse, English outside it, and one parse never leaks into the next', () => {
    const chinese = withMessages(zh, () => messagesOf(removeFormSchema.safeParse(empty)));
    expect(chinese.length).toBe(2);
    expect(chinese.every((m) => CJK.test(m))).toBe(true);
    const english = removeFormSchema.safeParse(empty);
    expect(messagesOf(english).some((m) => /[\u4e00-\u9fff]/.test(m))).toBe(false);
    expect(messagesOf(english).length).toBe(chinese.length);
  });

  it('parseIn words every field’s message in its catalogue', () => {
    const parsed = parseIn(zh, removeFormSchema, empty);
    if (parsed.success) throw new Error('parsed');
    expect(Object.keys(parsed.fieldErrors).sort()).toEqual(['attrs', 'userIds']);
    for (const messages of Object.values(parsed.fieldErrors)) expect(messages?.every((m) => CJK.test(m))).toBe(true);
  });

  it('restores the catalogue even when the parse throws', () => {
    expect(() =>
      withMessages(zh, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(messagesOf(removeFormSchema.safeParse(empty)).some((m) => /[\u4e00-\u9fff]/.test(m))).toBe(false);
  });
});
