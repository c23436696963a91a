import { z } from 'zod';
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

/** Only same-site paths: an open redirect after sign-in would hand a session to a phishing page. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[\w\-/?=&.%]*$/.test(next) && !next.startsWith('/login') ? next : '/remove';
}
