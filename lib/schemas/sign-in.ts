import { z } from 'zod';
import { hasRole, type Role } from '../auth/roles';
import { says } from '../messages/validation';

export const signInSchema = z.object({
  username: z.string().trim().min(1, { error: says('enterYourUsername') }).max(64),
  password: z.string().min(1, { error: says('enterYourPassword') }).max(256),
  next: z.string().optional(),
});

export type SignInValues = z.input<typeof signInSchema>;
export type SignInInput = z.output<typeof signInSchema>;

/** What the sign-in form shows after a refused attempt. */
export type SignInState = { error: string | null };

/** Where a role starts: a viewer may not use /remove, so sending one there would greet them with "Not allowed". */
export const homeFor = (role: Role): string => (hasRole(role, 'operator') ? '/remove' : '/history');

/** Only same-site paths: an open redirect after sign-in would hand a session to a phishing page. */
export function safeNext(next: string | undefined, role: Role): string {
  return next && next !== '/' && /^\/(?!\/)[\w\-/?=&.%]*$/.test(next) && !next.startsWith('/login') ? next : homeFor(role);
}
