import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { signOutAction } from '@/app/login/actions';
import type { Operator } from '@/lib/auth/types';
import { hasRole, type Role } from '@/lib/auth/roles';
import { isProduction } from '@/lib/apps/typed-confirm';
import type { Locale } from '@/lib/messages/locales';
import { regionName } from '@/lib/messages/translate';
import type { AppChoice } from '@/lib/queries/apps';
import { AppSwitcher } from './app-switcher';
import { LanguageSelect } from './language-select';
import { useCatalogue } from './use-catalogue';

const LINKS: { href: string; label: 'remove' | 'bulk' | 'history' | 'operators' | 'audit'; role: Role }[] = [
  { href: '/remove', label: 'remove', role: 'operator' },
  { href: '/bulk', label: 'bulk', role: 'operator' },
  { href: '/history', label: 'history', role: 'viewer' },
  { href: '/operators', label: 'operators', role: 'admin' },
  { href: '/audit', label: 'audit', role: 'admin' },
];

/** Every page says which app it acts on, so nobody runs a batch against the wrong one. */
export function SiteHeader({ shell, operator, locale }: { shell: AppChoice | null; operator: Operator | null; locale: Locale }) {
  const t = useTranslations('ui.header');
  const messages = useCatalogue();
  const where = shell?.current;
  const production = isProduction(where?.envLabel);
  return (
    <header className="bg-slate-900 text-white">
      {where && (
        <div
          role="note"
          aria-label={t('whereYouAre')}
          aria-live="polite"
          className={`px-4 py-1 text-center text-sm font-medium ${production ? 'bg-red-700' : 'bg-slate-700'}`}
        >
          {where.envLabel ? <span className="uppercase tracking-wide">{where.envLabel} · </span> : null}
          {where.label} · SDKAppID {where.sdkAppId} · {t('region', { region: regionName(where.region, messages) })}
        </div>
      )}
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-8 gap-y-2 px-4 py-3">
        <Link href="/remove" className="font-semibold">
          {t('title')}
        </Link>
        {operator && (
          <nav aria-label={t('nav.label')}>
            <ul className="flex flex-wrap gap-6 text-sm">
              {LINKS.filter((l) => hasRole(operator.role, l.role)).map((l) => (
                <li key={l.href}>
                  <Link href={l.href} className="underline-offset-4 hover:underline">
                    {t(`nav.${l.label}`)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {shell && shell.apps.length > 1 && <AppSwitcher apps={shell.apps} current={shell.current} />}
        <div className="ml-auto flex flex-wrap items-center gap-3 text-sm">
          <LanguageSelect locale={locale} signedIn={operator !== null} />
          {operator && (
            <form action={signOutAction} className="flex items-center gap-3">
              <span>{t('signedInAs', { username: operator.username, role: operator.role })}</span>
              <button type="submit" className="rounded border border-white/60 px-3 py-1 hover:bg-white/10">
                {t('signOut')}
              </button>
            </form>
          )}
        </div>
      </div>
    </header>
  );
}
