// The simulator's record of the requests it answered, for tests and the benchmark to read back.
import type { FaultKind } from './faults';
import type { SimApi } from './wire';

export interface RequestLogEntry {
  /** Wall-clock ms at arrival. */
  at: number;
  /** Path only: the query holds the UserSig, which must never be logged. */
  path: string;
  /** The app the request's sdkappid named; null when it named none (missing, malformed or unknown). */
  sdkAppId: number | null;
  /** 'unknown' for a /v4 path that is not one of the five APIs (answered 60009). */
  api: SimApi | 'unknown';
  userCount: number;
  accounts?: string[];
  /** null when no JSON answer was sent (drop, hang, HTTP 5xx). */
  errorCode: number | null;
  /** 0 when no HTTP answer was sent (drop, hang). */
  httpStatus: number;
  fault?: FaultKind;
}

/** Fixed-size ring buffer; only the newest entries keep their (memory-heavy) account lists. */
export class RequestLog {
  private buf: (RequestLogEntry | undefined)[];
  private next = 0;
  private size = 0;

  constructor(
    private readonly limit: number,
    private readonly accountsLimit: number,
  ) {
    this.buf = new Array<RequestLogEntry | undefined>(limit);
  }

  push(e: RequestLogEntry): void {
    this.buf[this.next] = e;
    const stale = (this.next - this.accountsLimit + this.limit) % this.limit;
    if (this.accountsLimit < this.limit) {
      const old = this.buf[stale];
      if (old) delete old.accounts;
    }
    this.next = (this.next + 1) % this.limit;
    this.size = Math.min(this.size + 1, this.limit);
  }

  list(keep: (e: RequestLogEntry) => boolean = () => true): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    const start = (this.next - this.size + this.limit) % this.limit;
    for (let i = 0; i < this.size; i++) {
      const e = this.buf[(start + i) % this.limit];
      if (e && keep(e)) out.push(e.accounts ? { ...e, accounts: [...e.accounts] } : { ...e });
    }
    return out;
  }

  /** Drops the matching entries, keeping the others in order. */
  removeWhere(drop: (e: RequestLogEntry) => boolean): void {
    const kept = this.list((e) => !drop(e));
    this.clear();
    for (const e of kept) this.push(e);
  }

  clear(): void {
    this.buf = new Array<RequestLogEntry | undefined>(this.limit);
    this.next = 0;
    this.size = 0;
  }
}
