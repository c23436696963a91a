// What the console costs while it works: its memory, and how fast it still answers /api/health.
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from './time';

/** VmRSS of a process and all its descendants, from /proc; 0 once the process is gone. */
function treeRssBytes(root: number): number {
  const childrenOf = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      childrenOf.set(ppid, [...(childrenOf.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited between readdir and read
    }
  }
  let total = 0;
  for (const pids = [root]; pids.length > 0; ) {
    const pid = pids.pop()!;
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      total += Number(kb ?? 0) * 1024;
    } catch {
      continue;
    }
    pids.push(...(childrenOf.get(pid) ?? []));
  }
  return total;
}

/** Linux counts CPU time in /proc in ticks of 1/100 s (USER_HZ) on every architecture it runs the console on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far, all its threads together (user and system), from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The machine's CPU time since the call, over all cores: busy (not idle, not waiting for I/O) as a fraction of what the cores had. */
export function machineBusy(): () => number {
  const read = () => {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const n = ticks.map(Number);
    return { idle: n[3]! + n[4]!, total: n.reduce((a, b) => a + b, 0) };
  };
  const before = read();
  return () => {
    const now = read();
    const total = now.total - before.total;
    return total > 0 ? 1 - (now.idle - before.idle) / total : 0;
  };
}

export function samplePeakRss(pid: number): () => number {
  let peak = treeRssBytes(pid);
  const timer = setInterval(() => (peak = Math.max(peak, treeRssBytes(pid))), 200);
  return () => {
    clearInterval(timer);
    return Math.max(peak, treeRssBytes(pid));
  };
}

export interface HealthSeen {
  worstMs: number;
  /** When the worst answer was asked, in seconds after sampling began. */
  worstAtS: number;
  samples: number;
  failures: number;
}

/** The worst /api/health answer time, asked every 250 ms (or as soon as a slow answer came). */
export function sampleHealth(base: string): () => Promise<HealthSeen> {
  const began = performance.now();
  let worstMs = 0;
  let worstAtS = 0;
  let samples = 0;
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const asked = performance.now();
      const ok = await fetch(`${base}/api/health`).then(
        async (res) => (await res.arrayBuffer(), res.ok),
        () => false,
      );
      const ms = performance.now() - asked;
      if (ms > worstMs) [worstMs, worstAtS] = [ms, (asked - began) / 1000];
      samples++;
      if (!ok) failures++;
      await sleep(250 - ms);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { worstMs, worstAtS, samples, failures };
  };
}
