import 'server-only';
import type { AppError } from '../errors';
import { HTTP_STATUS } from './http-status';
import { errorMessage, type Messages } from '../messages/translate';
import type { ApiAnswer } from '../use-cases/idempotent';

/** A JSON answer, as handlers give it and as an Idempotency-Key keeps it. */
export function answer(status: number, value: unknown): ApiAnswer {
  return { status, body: JSON.stringify(value) };
}

/** RFC 9457 problem details: a stable `code` for scripts, and its words in the caller's language. */
export function problemAnswer(error: AppError, messages: Messages, extra: Record<string, unknown> = {}): ApiAnswer {
  const status = HTTP_STATUS[error.code] ?? 400;
  const detail = errorMessage(error, messages);
  const fields = error.fields ? { errors: Object.fromEntries(Object.entries(error.fields).map(([k, e]) => [k, errorMessage(e, messages)])) } : {};
  return answer(status, { type: `urn:tim-console:problem:${error.code}`, title: detail, status, code: error.code, detail, ...(error.params ? { params: error.params } : {}), ...fields, ...extra });
}


export function apiRespond({ status, body }: ApiAnswer, headers?: Record<string, string>): Response {
  return new Response(body, { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', 'cache-control': 'no-store', ...headers } });
}

/** zod's field errors as one sentence per field, for `errors` in a problem. */
export function fieldText(fieldErrors: Record<string, string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldErrors).flatMap(([k, v]) => (v && v.length > 0 ? [[k, v.join(' ')]] : [])));
}
