import 'server-only';
import type { Messages } from '../messages/translate';
import { contextOf, publicContextOf, type Actor, type PublicContext, type UseCaseContext } from '../use-cases/context';
import { runtime } from './runtime';

/** For what anyone may try before signing in, on this process's runtime. */
export function publicContext(messages: Messages): PublicContext {
  return publicContextOf(runtime(), messages);
}

export function contextFor(actor: Actor, messages: Messages): UseCaseContext {
  return contextOf(runtime(), actor, messages);
}
