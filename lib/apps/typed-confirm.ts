/**
 * Above this many users, a removal on a production app asks for the app's name to be typed: a
 * click is too cheap for a mistake that size. An app sets its own (`typedConfirmAbove`) or turns it off.
 */
export const DEFAULT_TYPED_CONFIRM_ABOVE = 1_000;

/** The same rule that turns the "Where you are" banner red. */
export const isProduction = (envLabel: string | null | undefined): boolean => envLabel != null && /prod/i.test(envLabel);

/** What the rule needs to know of an app; the browser has it too, so the panel asks before the server refuses. */
export interface TypedConfirmApp {
  label: string;
  envLabel: string | null;
  /** Null: never asked on this app. */
  typedConfirmAbove: number | null;
}

export function needsTypedConfirm(app: TypedConfirmApp, users: number): boolean {
  return app.typedConfirmAbove !== null && isProduction(app.envLabel) && users > app.typedConfirmAbove;
}

/** Spaces around it are a paste's, not the operator's; the name itself must be exact. */
export const typedNameMatches = (app: TypedConfirmApp, typed: string | undefined): boolean => typed?.trim() === app.label;
