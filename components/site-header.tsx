import { useTranslations } from 'next-intl';
import Link from 'next/link';
import { signOutAction } from '@/lib/actions/sign-in';
import type { Operator } from '@/lib/auth/types';
import { hasRole, type Role } from '@/lib/auth/roles';
import { isProduction } from '@/lib/apps/typed-confirm';
import type { Locale } from '@/lib/messages/locales';
import { regionName } from '@/lib/messages/translate';
import type { AppChoice } from '@/lib/queries/apps';
import { AppSwitcher } from './app-switcher';
import { HeaderMenu } from './header-menu';
import { LanguageSelect } from './language-select';
import { NavLinks } from './nav-links';
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
      <div className={`mx-auto flex max-w-7xl items-center gap-x-3 gap-y-2 px-4 py-3 ${operator ? '' : 'flex-wrap'}`}>
        <Link href="/remove" className="min-w-0 truncate font-semibold xl:shrink-0">
          {t('title')}
        </Link>
        {operator ? (
          <HeaderMenu>
            <nav aria-label={t('nav.label')} className="shrink-0">
              <NavLinks items={LINKS.filter((l) => hasRole(operator.role, l.role)).map((l) => ({ href: l.href, label: t(`nav.${l.label}`) }))} />
            </nav>
            <div className="flex min-w-0 flex-col gap-4 text-sm xl:ml-auto xl:flex-row xl:items-center xl:gap-3">
              {shell && shell.apps.length > 1 && <AppSwitcher apps={shell.apps} current={shell.current} />}
              <LanguageSelect locale={locale} signedIn compact />
              <form action={signOutAction} className="flex min-w-0 items-center gap-2">
                <p className="flex min-w-0 flex-col leading-tight xl:text-right">
                  <span className="truncate font-medium xl:max-w-32" title={operator.username}>
                    {operator.username}
                  </span>
                  <span className="text-xs text-slate-300">{t('roleName', { role: operator.role })}</span>
                </p>
                <button type="submit" className="shrink-0 rounded border border-white/60 px-2.5 py-1 whitespace-nowrap hover:bg-white/10">
                  {t('signOut')}
                </button>
              </form>
            </div>
          </HeaderMenu>
        ) : (
          <div className="ml-auto">
            <LanguageSelect locale={locale} signedIn={false} />
          </div>
        )}
      </div>
    </header>
  );
}
