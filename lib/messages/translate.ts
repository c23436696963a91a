// next-intl's own re-export: its root under the react-server condition also loads its client
// provider, which needs React's createContext, so plain Node scripts (bench, operators) could not load this.
import { createTranslator } from 'use-intl/core';
import type en from '../../messages/en';
import type { CsvFatalCode, CsvParams, CsvProblemCode } from '../csv/validate';
import type { AuditAction, AuditDetail } from '../audit/types';
import type { AppError } from '../errors';
import { displayId, type UserIdProblem } from '../user-ids';

export type Messages = typeof en;

const makeTranslator = <N extends keyof Messages>(namespace: N, messages: Messages) => createTranslator({ locale: 'en', messages, namespace });

/** One translator per catalogue and area, reused: each keeps its parsed messages, which a fresh one per call would parse again. */
const translators = new WeakMap<Messages, Map<keyof Messages, unknown>>();

/** A translator over one area of the catalogue; the same code gives the same words on the server and in the browser. */
export function translator<N extends keyof Messages>(namespace: N, messages: Messages): ReturnType<typeof makeTranslator<N>> {
  let areas = translators.get(messages);
  if (!areas) translators.set(messages, (areas = new Map()));
  let t = areas.get(namespace) as ReturnType<typeof makeTranslator<N>> | undefined;
  if (!t) areas.set(namespace, (t = makeTranslator(namespace, messages)));
  return t;
}

/** The key inside its area of a code `area.key`. */
type KeyOf<Code extends string, Area extends string> = Code extends `${Area}.${infer Key}` ? Key : never;

/** A CSV row problem, a whole-file problem, or a use-case error about a CSV file. */
export interface CsvProblem {
  code: CsvProblemCode | CsvFatalCode | 'csv.noValidRows';
  params?: CsvParams;
}

/** Words for a CSV code (an invalid row, or why the file cannot be used), in the preview, its download and the server's refusal. */
export function csvMessage(problem: CsvProblem, messages: Messages): string {
  const key = problem.code.slice('csv.'.length) as KeyOf<CsvProblem['code'], 'csv'>;
  return translator('csv', messages)(key, problem.params ?? {});
}

/** Words for one bad entry of a pasted list of user IDs: its position, the ID (shortened, invisible characters made visible) and what is wrong. */
export function userIdProblemMessage(problem: UserIdProblem, messages: Messages): string {
  const key = problem.code.slice('userIds.'.length) as KeyOf<UserIdProblem['code'], 'userIds'>;
  return translator('userIds', messages)(key, { position: problem.position, id: displayId(problem.id), ...problem.params });
}

const isCsvCode = (code: AppError['code']): code is CsvProblem['code'] & AppError['code'] => code.startsWith('csv.');

/** Words for a code lib returned: the one place an error code becomes a sentence. */
export function errorMessage(error: AppError, messages: Messages): string {
  if (isCsvCode(error.code)) return csvMessage({ code: error.code, params: error.params }, messages);
  return translator('errors', messages)(error.code as never, (error.params ?? {}) as never);
}

/**
 * An audit row's detail in words. `first` and similar flags arrive as 'yes'; a field an old row
 * lacks reads as empty, and a row from before rows were counted counts one. Rows from before
 * details were data keep their text.
 */
export function auditDetailMessage(action: AuditAction, detail: AuditDetail | null, messages: Messages): string {
  if (detail && typeof detail.text === 'string' && Object.keys(detail).length === 1) return detail.text;
  const values = { first: 'no', count: 1, ...detail };
  return translator('audit', messages)(`details.${action}`, values as never);
}

export function auditActionLabel(action: AuditAction, messages: Messages): string {
  return translator('audit', messages)(`actions.${action}`);
}

/** A region in the reader's words (中国, Silicon Valley); a name the catalogue lacks is shown as configured. */
export function regionName(region: string, messages: Messages): string {
  const names: Readonly<Record<string, string>> = messages.ui.regions;
  return names[region] ?? region;
}
