'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { NextIntlClientProvider } from 'next-intl';
import { useState, type ReactNode } from 'react';
import { setValidationMessages } from '@/lib/messages/active';
import type { Messages } from '@/lib/messages/translate';

export function Providers({ locale, messages, children }: { locale: string; messages: Messages; children: ReactNode }) {
  // One client per browser session; created in state so a re-render never drops the cache.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 2000 } } }));
  // Forms validate in the browser with the same zod schemas as the server, in the page's language.
  setValidationMessages(messages);
  return (
    <NextIntlClientProvider locale={locale} messages={messages} timeZone="UTC">
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </NextIntlClientProvider>
  );
}
