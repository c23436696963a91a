import { useMessages } from 'next-intl';
import type { Messages } from '@/lib/messages/translate';

/** The reader's whole catalogue, for lib's presenters that turn codes into words (server and client components alike). */
export function useCatalogue(): Messages {
  return useMessages() as unknown as Messages;
}
