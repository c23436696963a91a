import { z } from 'zod';
import { says } from '../messages/validation';

/** The app a form was shown for: the server sends to this one, never to "whatever is current now". */
export const appIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: says('pickApp') });

export const chooseAppSchema = z.object({ appId: appIdSchema });
export type ChooseAppInput = z.output<typeof chooseAppSchema>;
