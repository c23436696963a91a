import { z } from 'zod';
import { says } from '../messages/validation';
import { activeMessages } from '../messages/active';
import { translator, userIdProblemMessage } from '../messages/translate';
import { MAX_USER_ID_BYTES, parseUserIdList } from '../user-ids';
import { appIdSchema, typedAppNameSchema } from './apps';
import { requestKeySchema } from './request-key';

/** The form is for a few users; more than this belongs on the CSV page. */
export const MAX_FORM_USERS = 1000;
/** Attribute slots an app can have (tim-api-facts.md §7: keys "0"…"9"). */
export const MAX_ATTRIBUTES = 10;

/**
 * The most the User IDs text may hold: every user the form takes at the longest ID, each with a
 * two-byte separator (CRLF, or a comma and a space). Checked before the list is split, so an
 * oversized paste costs no parsing, and it keeps the action's body far below Next.js's 1 MB.
 */
export const MAX_USER_IDS_BYTES = MAX_FORM_USERS * (MAX_USER_ID_BYTES + 2);

const PROBLEMS_SHOWN = 5;

/** UTF-8 never takes fewer bytes than UTF-16 code units, so a short string needs no encoding. */
const utf8WithinBytes = (text: string, max: number) => text.length <= max && new TextEncoder().encode(text).length <= max;

/**
 * One schema for the /remove form: the browser validates with it through react-hook-form and the
 * server action validates again with the very same object.
 */
export const removeFormSchema = z.object({
  userIds: z
    .string()
    .refine((text) => utf8WithinBytes(text, MAX_USER_IDS_BYTES), {
      error: says('userIdsTooLarge', { max: MAX_USER_IDS_BYTES, users: MAX_FORM_USERS }),
      abort: true,
    })
    .superRefine((text, ctx) => {
      const { ids, problems } = parseUserIdList(text);
      // zod wants text, so the words are made here, from the catalogue.
      const messages = activeMessages();
      const t = translator('userIds', messages);
      if (problems.length > 0) {
        const list = problems
          .slice(0, PROBLEMS_SHOWN)
          .map((p) => userIdProblemMessage(p, messages))
          .join(t('listSeparator'));
        ctx.addIssue({ code: 'custom', message: t('fix', { list, more: Math.max(0, problems.length - PROBLEMS_SHOWN) }) });
      } else if (ids.length === 0) {
        ctx.addIssue({ code: 'custom', message: t('required') });
      } else if (ids.length > MAX_FORM_USERS) {
        ctx.addIssue({ code: 'custom', message: t('tooMany', { count: ids.length, max: MAX_FORM_USERS }) });
      }
    }),
  attrs: z
    .array(z.string().min(1))
    .min(1, { error: says('selectAttribute') })
    .max(MAX_ATTRIBUTES, { error: says('atMostAttributes', { max: MAX_ATTRIBUTES }) }),
  appId: appIdSchema,
  requestKey: requestKeySchema,
  typedAppName: typedAppNameSchema,
});

export type RemoveFormInput = z.output<typeof removeFormSchema>;

export type RemoveFormValues = z.input<typeof removeFormSchema>;
