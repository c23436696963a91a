import { describe, expect, it } from 'vitest';
import { packRows, rowCount, StagedRowsPacker, usersOf } from './staged-rows';

describe('staged rows, packed', () => {
  it('keep every user as it was, a tab or a line break inside included, and each list once per batch', () => {
    const city = ['city'];
    const none: string[] = [];
    const packer = new StagedRowsPacker();
    for (const [account, attrs] of [['alice', city], ['b\tob', none], ['carl\r\nx', city], ['', city]] as const) packer.add(account, attrs);
    const batch = packer.take();
    expect(rowCount(batch)).toBe(4);
    expect(usersOf(batch)).toEqual(['alice', 'b\tob', 'carl\r\nx', '']);
    expect(batch.lists).toEqual(['["city"]', '[]']);
    expect([...batch.listOf]).toEqual([0, 1, 0, 0]);
  });

  it('start each batch afresh, and an empty one has no user', () => {
    const packer = new StagedRowsPacker();
    packer.add('alice', ['city']);
    packer.take();
    const empty = packer.take();
    expect(rowCount(empty)).toBe(0);
    expect(usersOf(empty)).toEqual([]);
    expect(usersOf(packRows([{ account: 'bob', attrs: ['sex'] }]))).toEqual(['bob']);
  });
});
