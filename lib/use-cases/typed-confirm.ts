import 'server-only';
import type { AppSummary } from '../apps/registry';
import { needsTypedConfirm, typedNameMatches } from '../apps/typed-confirm';
import { fail } from '../errors';

/** The server's own check of the typed app name: a crafted request skips the browser's panel, never this. */
export function untypedRefusal(app: AppSummary, users: number, typed: string | undefined): ReturnType<typeof fail> | null {
  if (!needsTypedConfirm(app, users) || typedNameMatches(app, typed)) return null;
  return fail('app.typeNameToConfirm', { app: app.label, count: users });
}
