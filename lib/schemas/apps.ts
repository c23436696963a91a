import { z } from 'zod';
import { says } from '../messages/validation';

/** The app a form was shown for: the server sends to this one, never to "whatever is current now". */
/** An app's id in TIM_APPS_FILE: a short slug, stable, used in URLs. */
export const APP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export const appIdSchema = z.string().regex(APP_ID_PATTERN, { error: says('pickApp') });

/**
 * The app's name as typed in the confirm step of a large removal on a production app
 * (lib/apps/typed-confirm.ts says when); the server compares it again, whatever the browser showed.
 */
export const typedAppNameSchema = z.string().max(200).optional();

export const chooseAppSchema = z.object({ appId: appIdSchema });
export type ChooseAppInput = z.output<typeof chooseAppSchema>;
