import { describe, expect, it } from 'vitest';
import { twoStoresOnOneFile } from '../../test-support/two-stores';
import { STAGED_UPLOAD_TTL_MS, UPLOAD_ABANDONED_MS } from '../uploads/in-progress';
import { packRows } from '../uploads/staged-rows';
import { sweepUploads } from './sweep-uploads';

const env = twoStoresOnOneFile();
const upload = { appId: 'default', sdkAppId: 1400000000, region: 'china', operator: 'ann', fileName: 'list.csv' };
const roomy = { max: 100, stagedSinceMs: 0, readingPerOperator: 100, readingPerProcess: 100, liveSinceMs: 0 };
const a = { id: 'process-a', pid: 101, host: 'host-a' };
const b = { id: 'process-b', pid: 202, host: 'host-b' };
const alive = () => true;

const facts = { rowsRead: 1, invalidRows: 0, validRows: 1, rowsWithoutAttrs: 0, hasHeader: false, attrs: ['city'], attrSets: [], otherAttrSetRows: 0 };
/** Its rows went with it: there is nothing left to stage. */
const gone = /illegal run transition \w+ → staged/;

/** An upload process `owner` receives through `store`, with one row appended. */
async function receiving(store: typeof env.one, owner: typeof a, nowMs: number) {
  const begun = await store.uploads.begin(upload, { owner, nowMs }, roomy);
  if (!begun.ok) throw new Error(begun.refusal);
  const id = begun.uploadId;
  await store.uploads.addRows(id, 1, packRows([{ account: 'alice', attrs: ['city'] }]));
  return id;
}

describe('the upload sweep, with two processes on one database', () => {
  it("leaves another process's upload alone while it beats, and deletes it once its heartbeat is older than the bound", async () => {
    const t0 = Date.now();
    const id = await receiving(env.one, a, t0);
    await sweepUploads(env.two.uploads, b, t0 + UPLOAD_ABANDONED_MS, alive);
    expect(await env.two.uploads.inProgress()).toMatchObject([{ id, owner: a }]);
    expect(await env.one.uploads.heartbeat(id, a, t0 + UPLOAD_ABANDONED_MS)).toBe(true);
    await sweepUploads(env.two.uploads, b, t0 + 2 * UPLOAD_ABANDONED_MS, alive);
    expect(await env.one.uploads.inProgress()).toMatchObject([{ id }]);

    await sweepUploads(env.two.uploads, b, t0 + 2 * UPLOAD_ABANDONED_MS + 1, alive);
    expect(await env.one.uploads.inProgress()).toEqual([]);
    expect(await env.one.uploads.heartbeat(id, a, t0 + 2 * UPLOAD_ABANDONED_MS + 2)).toBe(false);
    await expect(env.one.uploads.complete(id, { ...facts, nowMs: t0 })).rejects.toThrow(gone);
    expect(await env.one.uploads.countRows(id)).toBe(0);
  });

  it("leaves the rows of an upload it leaves alone: its owner still stages them", async () => {
    const t0 = Date.now();
    const id = await receiving(env.one, a, t0);
    await sweepUploads(env.two.uploads, b, t0 + UPLOAD_ABANDONED_MS, alive);
    expect(await env.one.uploads.complete(id, { ...facts, nowMs: t0 })).toMatchObject({ status: 'staged', users: 1 });
    expect(await env.two.uploads.countRows(id)).toBe(1);
  });

  it('deletes at once the uploads of an earlier life of this process, and of a process on this host that is gone; a live one on this host stays', async () => {
    const now = Date.now();
    const beforeRestart = await receiving(env.one, a, now);
    const crashed = await receiving(env.one, { id: 'process-c', pid: 303, host: 'host-a' }, now);
    const sibling = await receiving(env.one, { id: 'process-d', pid: 404, host: 'host-a' }, now);
    const elsewhere = await receiving(env.one, b, now);
    const restarted = { id: 'process-a-again', pid: 101, host: 'host-a' };
    await sweepUploads(env.two.uploads, restarted, now, (pid) => pid !== 303);
    expect((await env.two.uploads.inProgress()).map((u) => u.id)).toEqual([sibling, elsewhere]);
    for (const id of [beforeRestart, crashed]) await expect(env.one.uploads.complete(id, { ...facts, nowMs: now })).rejects.toThrow(gone);
  });

  it('deletes staged uploads past their 24 hours and keeps younger ones', async () => {
    const now = Date.now();
    const old = await receiving(env.one, a, now);
    await env.one.uploads.complete(old, { ...facts, nowMs: now - STAGED_UPLOAD_TTL_MS - 1 });
    const young = await receiving(env.one, a, now);
    await env.one.uploads.complete(young, { ...facts, nowMs: now });
    await sweepUploads(env.two.uploads, b, now, alive);
    expect(await env.one.uploads.get(old)).toBeNull();
    expect(await env.one.uploads.countRows(old)).toBe(0);
    expect(await env.one.uploads.get(young)).toMatchObject({ status: 'staged' });
  });
});
