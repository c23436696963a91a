// Faults the simulator injects on purpose, so the console's handling of a bad server can be tested.

export type FaultKind = 'drop' | 'hang' | 'slow' | 'http5xx' | 'error91000' | 'hugeErrorInfo' | 'hugeBody';
/** Evaluated in this order; the first fault whose draw hits wins. */
export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'hang', 'slow', 'http5xx', 'error91000', 'hugeErrorInfo', 'hugeBody'];

export interface SimFaults {
  error91000?: number;
  http5xx?: number;
  slow?: number;
  /** Extra delay for a "slow" answer; default 15000. */
  slowMs?: number;
  hang?: number;
  drop?: number;
  /**
   * A hostile or broken server: 60002 with an ErrorInfo of hugeBytes that starts with the request's
   * own URL, UserSig included, and goes on with one long run of letters. Nothing is changed.
   */
  hugeErrorInfo?: number;
  /** The real answer (the work is done), with a `Padding` field of hugeBytes. */
  hugeBody?: number;
  /** Size of those two, in bytes (the ErrorInfo is never shorter than the URL it echoes); default 10,000,000. */
  hugeBytes?: number;
}

/** Well under V8's longest string (about 512 MB): the answer is built whole in memory, JSON and all. */
export const MAX_HUGE_BYTES = 100_000_000;

export function pickFault(faults: Required<SimFaults>, random: () => number): FaultKind | undefined {
  for (const f of FAULT_KINDS) {
    const r = faults[f];
    if (r > 0 && random() < r) return f;
  }
  return undefined;
}
