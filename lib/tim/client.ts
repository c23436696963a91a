import 'server-only';
import { randomInt } from 'node:crypto';
import { log, redactUrl } from '../log';
import type { TransportFailure } from './policy';
import { postJson, ReplyTooLarge, MAX_REPLY_BYTES, type HttpReply, type PostJson } from './http-post';
import type { UserSigSource } from './usersig-cache';
import { attrNamesReplySchema, TIM_PATHS, timReplySchema, type TimReplyWire } from './wire';

export type CallResult =
  | { kind: 'reply'; reply: TimReplyWire; raw: unknown }
  | { kind: 'transport'; failure: TransportFailure; detail: string };

export interface TimClient {
  call(path: string, body: unknown): Promise<CallResult>;
  /** The app's attribute names in slot order, or the failed call. */
  getAttrNames(): Promise<{ ok: true; names: string[] } | { ok: false; result: CallResult }>;
  renewUserSig(): void;
}

export interface TimClientOptions {
  sdkAppId: number;
  identifier: string;
  baseUrl: string;
  timeoutMs: number;
  userSig: UserSigSource;
  /** The HTTP transport; tests inject one to see the URLs. */
  post?: PostJson;
  /** uint32 for the `random` query parameter; crypto-random unless a test injects one. */
  random?: () => number;
}

const UINT32_RANGE = 2 ** 32;

export function createTimClient(opts: TimClientOptions): TimClient {
  const post = opts.post ?? postJson;
  const random = opts.random ?? (() => randomInt(0, UINT32_RANGE));

  function buildUrl(path: string): string {
    const q = new URLSearchParams({
      sdkappid: String(opts.sdkAppId),
      identifier: opts.identifier,
      usersig: opts.userSig.current(),
      random: String(random()),
      contenttype: 'json',
    });
    return `${opts.baseUrl}/${path}?${q.toString()}`;
  }

  async function call(path: string, body: unknown): Promise<CallResult> {
    const url = buildUrl(path);
    const started = Date.now();
    const finish = (result: CallResult, status?: number): CallResult => {
      log.info('tim.request', {
        url: redactUrl(url),
        status: status ?? null,
        ms: Date.now() - started,
        errorCode: result.kind === 'reply' ? result.reply.ErrorCode : null,
        errorListLength: result.kind === 'reply' ? result.reply.ErrorList.length : null,
        requestId: result.kind === 'reply' ? result.reply.RequestId : undefined,
        transport: result.kind === 'transport' ? result.failure : undefined,
      });
      return result;
    };

    let response: HttpReply;
    // A timer we clear ourselves: AbortSignal.timeout() would keep every finished request's
    // internals alive for the whole timeout, which at 100 requests/s is hundreds of megabytes.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), opts.timeoutMs);
    try {
      response = await post(url, JSON.stringify(body ?? {}), controller.signal);
    } catch (err) {
      if (err instanceof ReplyTooLarge) return finish({ kind: 'transport', failure: 'too-large', detail: `over ${MAX_REPLY_BYTES} bytes` });
      const isTimeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      return finish(
        isTimeout
          ? { kind: 'transport', failure: 'timeout', detail: `after ${opts.timeoutMs} ms` }
          : { kind: 'transport', failure: 'network', detail: describeNetworkError(err) },
      );
    } finally {
      clearTimeout(timer);
    }

    if (response.status !== 200) {
      const failure = response.status >= 500 ? 'http-5xx' : 'http-status';
      return finish({ kind: 'transport', failure, detail: `HTTP ${response.status}` }, response.status);
    }
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      return finish({ kind: 'transport', failure: 'bad-response', detail: 'the reply was not JSON' }, 200);
    }
    const parsed = timReplySchema.safeParse(json);
    if (!parsed.success) {
      return finish({ kind: 'transport', failure: 'bad-response', detail: 'the reply lacked ErrorCode/ActionStatus' }, 200);
    }
    return finish({ kind: 'reply', reply: parsed.data, raw: json }, 200);
  }

  return {
    call,
    async getAttrNames() {
      const result = await call(TIM_PATHS.getAttrName, {});
      if (result.kind !== 'reply' || result.reply.ErrorCode !== 0) return { ok: false, result };
      const names = attrNamesReplySchema.safeParse(result.raw);
      if (!names.success) {
        return { ok: false, result: { kind: 'transport', failure: 'bad-response', detail: 'AttrNames was not an object of names' } };
      }
      const slots = Object.entries(names.data.AttrNames)
        .filter(([, name]) => name !== '')
        .sort(([a], [b]) => Number(a) - Number(b));
      return { ok: true, names: slots.map(([, name]) => name) };
    },
    renewUserSig: () => {
      opts.userSig.renew();
    },
  };
}

/** The system error's code (ECONNREFUSED, ENOTFOUND, ECONNRESET), never its message: that can hold the URL. */
function describeNetworkError(err: unknown): string {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : 'connection failed';
}
