// The five TIM APIs: what each does to an app's attribute state, and its answer.
import type { App } from './apps';
import { ACCOUNT_KIND_NAMES, type SimState } from './state';
import {
  ApiError,
  envelope,
  isObject,
  parseGetAttr,
  parseRemoveAttrs,
  parseSetAttrName,
  parseSetAttrs,
  parseUserAttrs,
  type Json,
  type SimApi,
} from './wire';

function checkNames(state: SimState, names: Iterable<string>): void {
  for (const n of names) {
    if (!state.hasAttrName(n)) throw new ApiError(90033, `attrName:${n} does not exist`);
  }
}

/**
 * Steps 5–6 (validation) return a closure that performs step 8, so a fault can be decided between
 * validation and mutation and leave the state untouched.
 */
export function prepare(app: App, api: SimApi, legacy: boolean, body: unknown): () => Json {
  const { state } = app;
  if (!isObject(body)) throw new ApiError(90001, 'request body must be a JSON object');
  switch (api) {
    case 'remove_attr': {
      const ops = parseUserAttrs(body, parseRemoveAttrs);
      for (const op of ops) checkNames(state, op.value);
      return () => {
        const errors: Json[] = [];
        for (const op of ops) {
          if (state.removeAttrs(op.account, op.value)) app.stats.usersRemoved++;
          else errors.push({ To_Account: op.account, ErrorCode: 70107, ErrorInfo: 'account not found' });
        }
        return withErrorList(envelope(0, ''), errors);
      };
    }
    case 'set_attr': {
      const ops = parseUserAttrs(body, parseSetAttrs);
      for (const op of ops) checkNames(state, Object.keys(op.value));
      return () => {
        const errors: Json[] = [];
        for (const op of ops) {
          const kind = state.accountKind(op.account);
          if (kind === undefined) {
            errors.push({ To_Account: op.account, ErrorCode: 70107, ErrorInfo: 'account not found' });
            continue;
          }
          // An attribute bound to the other account type: that account is not written at all.
          const wrong = Object.keys(op.value).find((n) => state.attrType(n) !== kind);
          if (wrong !== undefined) {
            const bound = ACCOUNT_KIND_NAMES[kind === 0 ? 1 : 0];
            errors.push({
              To_Account: op.account,
              ErrorCode: 90035,
              ErrorInfo: `attrName:${wrong} is bound to ${bound} accounts, ${op.account} is a ${ACCOUNT_KIND_NAMES[kind]}`,
            });
            continue;
          }
          state.setAttrs(op.account, op.value);
        }
        return withErrorList(envelope(0, ''), errors);
      };
    }
    case 'get_attr': {
      const accounts = parseGetAttr(body);
      return () => {
        const found: Json[] = [];
        const errors: Json[] = [];
        for (const account of accounts) {
          const a = state.peekUser(account);
          if (a === undefined) errors.push({ To_Account: account, ErrorCode: 70107, ErrorInfo: 'account not found' });
          else found.push({ To_Account: account, Attrs: { ...a } });
        }
        return withErrorList({ ...envelope(0, ''), UserAttrs: found }, errors);
      };
    }
    case 'get_attr_name':
      return () => {
        const t = state.attrTable();
        const out: Json = { ...envelope(0, ''), AttrNames: t.names };
        if (!legacy) out.AttrTypes = t.types;
        return out;
      };
    case 'set_attr_name': {
      const { names, types } = parseSetAttrName(body, legacy);
      return () => {
        const r = state.setAttrNames(names, types);
        return r.ok ? envelope(0, '') : envelope(90033, r.info);
      };
    }
  }
}

function withErrorList(out: Json, errors: Json[]): Json {
  if (errors.length > 0) out.ErrorList = errors;
  return out;
}
