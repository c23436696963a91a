import { translator, type Messages } from '../messages/translate';
import {
  handlingOf,
  isKnownTimCode,
  parseFailureKey,
  type AppFailure,
  type FailureRef,
  type Handling,
  type KnownTimCode,
  type TransportFailure,
} from '../tim/policy';
import type { UserResult } from '../runs/state-machine';
import { cleanFreeText } from '../tim/sanitize';

/** A stored failure: catalogue key, TIM code (null for transport failures) and the server's words. */
export interface FailureRecord {
  key: string;
  code: number | null;
  info: string;
}

export type ResultKind = UserResult;

/** One row of a dry run's User / Attribute / Current value table. */
export interface CurrentValue {
  user: string;
  attr: string;
  /** Empty: the user has no value for it. */
  value: string;
}

export function currentValues(user: string, attrs: readonly string[], values: Readonly<Record<string, string>> | null): CurrentValue[] {
  return attrs.map((attr) => ({ user, attr, value: values?.[attr] ?? '' }));
}

/** A user's kept values as the Before column and the export's `before` show them: `sex=f; city=Shenzhen`. */
export function formatValues(values: Readonly<Record<string, string>> | null): string {
  return values === null ? '' : Object.entries(values).map(([k, v]) => `${k}=${v}`).join('; ');
}

/** One row of a results table, as every page and the CSV export show it. */
export interface ResultRow {
  user: string;
  result: ResultKind;
  /** Starts with "Removed", "Nothing to remove", "Checked", "Restored", "Skipped", "Failed", "Not sent" or "Pending" (SPEC "Calling the API"). */
  resultText: string;
  /** The bare TIM code, empty when there is none. */
  code: string;
  explanation: string;
  /** What the server said (ErrorInfo or transport detail), cleaned, kept apart from our own words. */
  serverInfo: string;
}

/** A failure in words (messages/<lang>/catalogue.json) with what the runner does about it (lib/tim/policy.ts). */
export interface FailureDescription {
  key: string;
  /** The TIM ErrorCode; null for transport and app failures. */
  code: number | null;
  /** Short, sentence case. */
  title: string;
  /** What happened, for an ops person. */
  explanation: string;
  /** What to do next. */
  action: string;
  handling: Handling;
}


type CatalogueEntry = `tim.${KnownTimCode}` | 'unknown' | `transport.${TransportFailure}` | `app.${AppFailure}`;
type Words = Pick<FailureDescription, 'title' | 'explanation' | 'action'>;

function words(entry: CatalogueEntry, values: Record<string, string>, messages: Messages): Words {
  const catalogue = translator('catalogue', messages);
  return {
    title: catalogue(`${entry}.title`, values),
    explanation: catalogue(`${entry}.explanation`, values),
    action: catalogue(`${entry}.action`, values),
  };
}

/** The catalogue entry for a failure and the values its words take; `info` is already cleaned. */
function entryOf(ref: FailureRef, info: string): [CatalogueEntry, Record<string, string>] {
  switch (ref.kind) {
    case 'tim':
      // A known code's words never depend on what the server said.
      if (isKnownTimCode(ref.code)) return [`tim.${ref.code}`, {}];
      return ['unknown', { code: String(ref.code), info, hasInfo: info === '' ? 'no' : 'yes' }];
    case 'transport':
      return [`transport.${ref.failure}`, { detail: info, hasDetail: info === '' ? 'no' : 'yes' }];
    case 'app':
      return [`app.${ref.failure}`, { detail: info, hasDetail: info === '' ? 'no' : 'yes' }];
  }
}

export function describeFailure(f: FailureRecord, messages: Messages): FailureDescription {
  const ref = parseFailureKey(f.key, f.code);
  const [entry, values] = entryOf(ref, cleanFreeText(f.info));
  return {
    key: f.key,
    code: ref.kind === 'tim' && Number.isFinite(ref.code) ? ref.code : null,
    ...words(entry, values, messages),
    handling: handlingOf(ref),
  };
}

export interface RunContext {
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
  error: FailureRecord | null;
}

/**
 * A run as every surface hands it out (pages, the JSON API, action results), with the server's words
 * on why it stopped cleaned like a user's row: they are stored cleaned, but rows written by earlier
 * versions hold them as received.
 */
export function presentRun<R extends { error: FailureRecord | null }>(run: R): R {
  return run.error === null ? run : { ...run, error: { ...run.error, info: cleanFreeText(run.error.info) } };
}

function notSentReason(run: RunContext, messages: Messages): string {
  const results = translator('results', messages);
  if (run.error) return results('row.notSent.afterError', { title: describeFailure(run.error, messages).title });
  if (run.status === 'cancelled') return results('row.notSent.cancelled');
  return results('row.notSent.consoleStopped');
}

/** Names only, never values: a viewer reads this explanation too. */
const names = (list: readonly string[]) => list.join(', ');

export function presentUser(
  u: { userId: string; result: ResultKind; failure: FailureRecord | null; values?: Readonly<Record<string, string>> | null; skipped?: readonly string[] },
  run: RunContext,
  messages: Messages,
): ResultRow {
  const results = translator('results', messages);
  const base = { user: u.userId, result: u.result, code: '', serverInfo: '' };
  const skipped = u.skipped ?? [];
  switch (u.result) {
    case 'removed':
      return { ...base, resultText: results('row.removed.text'), explanation: results('row.removed.explanation') };
    case 'nothing_to_remove':
      return { ...base, resultText: results('row.nothingToRemove.text'), explanation: results('row.nothingToRemove.explanation') };
    case 'checked': {
      const had = Object.keys(u.values ?? {});
      const explanation = had.length > 0 ? results('row.checked.withValues', { names: names(had) }) : results('row.checked.none');
      return { ...base, resultText: results('row.checked.text'), explanation };
    }
    case 'restored': {
      const explanation = skipped.length > 0 ? results('row.restored.partly', { names: names(skipped) }) : results('row.restored.explanation');
      return { ...base, resultText: results('row.restored.text'), explanation };
    }
    case 'skipped':
      return { ...base, resultText: results('row.skipped.text'), explanation: results('row.skipped.explanation', { names: names(skipped) }) };
    case 'pending':
      return { ...base, resultText: results('row.pending.text'), explanation: results('row.pending.explanation') };
    case 'not_sent':
      return { ...base, resultText: results('row.notSent.text'), explanation: notSentReason(run, messages) };
    case 'failed': {
      const failure = u.failure ?? { key: 'unknown', code: null, info: '' };
      const entry = describeFailure(failure, messages);
      return {
        ...base,
        resultText: results('row.failed.text', { title: entry.title }),
        code: entry.code === null ? '' : String(entry.code),
        explanation: results('row.failed.explanation', { explanation: entry.explanation, action: entry.action }),
        serverInfo: cleanFreeText(failure.info),
      };
    }
  }
}

export interface FailureGroupView {
  key: string;
  code: string;
  count: number;
  title: string;
  explanation: string;
  action: string;
  handling: Handling;
}

export function presentFailureGroup(g: FailureRecord & { count: number }, messages: Messages): FailureGroupView {
  const entry = describeFailure(g, messages);
  return {
    key: g.key,
    code: entry.code === null ? '' : String(entry.code),
    count: g.count,
    title: entry.title,
    explanation: entry.explanation,
    action: entry.action,
    handling: entry.handling,
  };
}
