import 'server-only';
import { z } from 'zod';
import { currentOperator } from './request';
import { hasRole, type Role } from '../auth/roles';
import { parseIn } from '../messages/active';
import { errorMessage, type Messages } from '../messages/translate';
import type { UseCaseContext } from '../use-cases/context';
import { requestMessages } from './locale';
import { operatorContext } from './operator-context';
import type { AppError, ErrorCode, Result } from '../errors';

export type ActionResult<T> =
  | { ok: true; value: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string[] | undefined> };

/**
 * The one way a server action starts: who is calling (a server action can be called directly
 * with a crafted request), may they, is the input valid (the same zod schema as the form), then
 * one use case. Refusals come back typed, with the code and its words, never as a throw.
 */
export function action<S extends z.ZodType, T>(role: Role, schema: S, run: (ctx: UseCaseContext, input: z.output<S>) => Result<T> | Promise<Result<T>>) {
  return async (raw: z.input<S>): Promise<ActionResult<T>> => {
    const operator = await currentOperator();
    if (!operator) return refusal({ code: 'auth.signedOut' }, await requestMessages());
    if (!hasRole(operator.role, role)) return refusal({ code: 'auth.forbidden', params: { role: operator.role, needed: role } }, await requestMessages());
    const ctx = await operatorContext(operator);
    const parsed = parseIn(ctx.messages, schema, raw);
    if (!parsed.success) return { ...refusal({ code: 'input.invalid' }, ctx.messages), fieldErrors: parsed.fieldErrors };
    const result = await run(ctx, parsed.data);
    return result.ok ? result : refusal(result.error, ctx.messages);
  };
}

function refusal(error: AppError, messages: Messages): Extract<ActionResult<never>, { ok: false }> {
  const fieldErrors = error.fields ? Object.fromEntries(Object.entries(error.fields).map(([k, e]) => [k, [errorMessage(e, messages)]])) : undefined;
  return { ok: false, code: error.code, message: errorMessage(error, messages), ...(fieldErrors ? { fieldErrors } : {}) };
}
