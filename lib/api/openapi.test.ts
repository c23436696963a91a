import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi';

const V1 = join(import.meta.dirname, '../../app/api/v1');

/** Every route file under app/api/v1, as the document's path (`[runId]` → `{runId}`), but the catch-all and the document itself. */
function routes(dir = V1): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return routes(p);
    if (name !== 'route.ts') return [];
    const path = `/${relative(V1, dir)}`.replace(/\[(\w+)\]/g, '{$1}');
    return path.includes('[...') || path === '/openapi.json' ? [] : [path];
  });
}

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument('0.0.0-test');

  it('describes every route under /api/v1, and no route that does not exist', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(routes().sort());
  });

  it('points every $ref at a component it has', () => {
    const missing = refs(doc).filter((r) => !(r.replace('#/components/schemas/', '') in doc.components.schemas));
    expect(missing).toEqual([]);
  });

  it('names every operation once', () => {
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((op) => (op as { operationId: string }).operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(Boolean)).toBe(true);
  });

  it('takes query parameters from the schemas the handlers parse them with', () => {
    const names = (op: { parameters: { name: string; in: string; required: boolean; schema: object }[] }) => op.parameters.filter((p) => p.in === 'query');
    expect(names(doc.paths['/runs/{runId}/users'].get)).toEqual([
      expect.objectContaining({ name: 'after', required: false, schema: expect.objectContaining({ type: 'integer', minimum: 0 }) }),
      expect.objectContaining({ name: 'limit', required: false, schema: expect.objectContaining({ maximum: 1000, default: 100 }) }),
      expect.objectContaining({ name: 'result', required: false, schema: expect.objectContaining({ enum: expect.arrayContaining(['failed', 'not_sent']) }) }),
    ]);
    expect(names(doc.paths['/uploads'].post).map((p) => [p.name, p.required])).toEqual([
      ['appId', true],
      ['name', false],
    ]);
  });

  it('documents the webhook body', () => {
    expect(doc.webhooks.runEnded.post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RunEnded' });
    expect(doc.components.schemas.RunEnded).toMatchObject({ type: 'object', required: ['event', 'run', 'link'] });
  });
});
