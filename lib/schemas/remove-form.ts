import { z } from 'zod';
import { says } from '../messages/validation';
import { translator, userIdProblemMessage } from '../messages/translate';
import { parseUserIdList } from '../user-ids';
import { appIdSchema } from './apps';
import { requestKeySchema } from './request-key';

/** The form is for a few users; more than this belongs on the CSV page. */
export const MAX_FORM_USERS = 1000;
/** Attribute slots an app can have (tim-api-facts.md §7: keys "0"…"9"). */
export const MAX_ATTRIBUTES = 10;

const PROBLEMS_SHOWN = 5;

/**
 * One schema for the /remove form: the browser validates with it through react-hook-form and the
 * server action validates again with the very same object.
 */
export const removeFormSchema = z.object({
  userIds: z
    .string()
    .superRefine((text, ctx) => {
      const { ids, problems } = parseUserIdList(text);
      // zod wants text, so the words are made here, from the catalogue.
      const t = translator('userIds');
      if (problems.length > 0) {
        const list = problems
          .slice(0, PROBLEMS_SHOWN)
          .map((p) => userIdProblemMessage(p))
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
});

export type RemoveFormInput = z.output<typeof removeFormSchema>;

export type RemoveFormValues = z.input<typeof removeFormSchema>;
