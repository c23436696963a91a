import { z } from 'zod';
import { parseUserIdList } from '../user-ids';
import { appIdSchema } from './apps';
import { requestKeySchema } from './request-key';

/** The form is for a few users; more than this belongs on the CSV page. */
export const MAX_FORM_USERS = 1000;

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
      if (problems.length > 0) {
        const listed = problems
          .slice(0, PROBLEMS_SHOWN)
          .map((p) => `entry ${p.position} "${p.id.slice(0, 40)}" ${p.reason}`)
          .join('; ');
        const more = problems.length > PROBLEMS_SHOWN ? ` (and ${problems.length - PROBLEMS_SHOWN} more)` : '';
        ctx.addIssue({ code: 'custom', message: `Fix these user IDs: ${listed}${more}.` });
      } else if (ids.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'Enter at least one user ID.' });
      } else if (ids.length > MAX_FORM_USERS) {
        ctx.addIssue({
          code: 'custom',
          message: `${ids.length} users is more than the form takes (${MAX_FORM_USERS}). Use the CSV upload for larger lists.`,
        });
      }
    }),
  attrs: z
    .array(z.string().min(1))
    .min(1, { error: 'Select at least one attribute.' })
    .max(10, { error: 'An app has at most 10 attributes.' }),
  appId: appIdSchema,
  requestKey: requestKeySchema,
});

export type RemoveFormInput = z.output<typeof removeFormSchema>;

export type RemoveFormValues = z.input<typeof removeFormSchema>;
