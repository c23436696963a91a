/** A client of /api/v1: the token in the Authorization header, JSON in and out, problems as ApiError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Client {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, idempotencyKey?: string): Promise<T>;
  /** A streamed answer (an export), as it comes. */
  stream(path: string): Promise<ReadableStream<Uint8Array>>;
  /** A file sent as the body, streamed as it is read, with `text/csv`. */
  upload<T>(path: string, body: ReadableStream<Uint8Array>, idempotencyKey: string): Promise<T>;
}

export function createClient(opts: { baseUrl: string; token: string; language?: string; fetch?: typeof fetch }): Client {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${opts.token}`, 'accept-language': opts.language ?? 'en' };
  async function send(path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/v1${path}`, { ...init, headers: { ...headers, ...init.headers } });
    } catch (err) {
      throw new ApiError(0, 'cli.unreachable', `Cannot reach ${base}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
    }
    if (res.ok) return res;
    const text = await res.text();
    try {
      const problem = JSON.parse(text) as { code?: string; detail?: string; errors?: Record<string, string> };
      const fields = problem.errors ? Object.entries(problem.errors).map(([k, v]) => `\n  ${k}: ${v}`).join('') : '';
      throw new ApiError(res.status, problem.code ?? `http.${res.status}`, `${problem.detail ?? text}${fields}`);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError(res.status, `http.${res.status}`, `HTTP ${res.status} from ${base}`);
    }
  }
  return {
    get: async (path) => (await send(path, { method: 'GET' })).json(),
    post: async (path, body, idempotencyKey) =>
      (
        await send(path, {
          method: 'POST',
          body: body === undefined ? undefined : JSON.stringify(body),
          headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
        })
      ).json(),
    stream: async (path) => (await send(path, { method: 'GET' })).body!,
    upload: async (path, body, idempotencyKey) =>
      (await send(path, { method: 'POST', body, headers: { 'content-type': 'text/csv', 'idempotency-key': idempotencyKey }, duplex: 'half' } as RequestInit)).json(),
  };
}

/** A request body read from an iterable as fetch asks for more, so a large file never sits in memory. */
export function streamOf(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}
