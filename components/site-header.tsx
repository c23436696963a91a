import Link from 'next/link';
import { signOutAction } from '@/app/login/actions';
import type { Operator } from '@/lib/auth/operators';
import { hasRole, type Role } from '@/lib/auth/roles';
import type { AppChoice } from '@/lib/queries/apps';
import { AppSwitcher } from './app-switcher';

const LINKS: { href: string; label: string; role: Role }[] = [
  { href: '/remove', label: 'Remove attributes', role: 'operator' },
  { href: '/bulk', label: 'Bulk CSV', role: 'operator' },
  { href: '/history', label: 'History', role: 'viewer' },
  { href: '/operators', label: 'Operators', role: 'admin' },
  { href: '/audit', label: 'Audit log', role: 'admin' },
];

/** Every page says which app it acts on, so nobody runs a batch against the wrong one. */
export function SiteHeader({ shell, operator }: { shell: AppChoice | null; operator: Operator | null }) {
  const where = shell?.current;
  const production = where?.envLabel != null && /prod/i.test(where.envLabel);
  return (
    <header className="bg-slate-900 text-white">
      {where && (
        <div
          role="note"
          aria-label="Where you are"
          aria-live="polite"
          className={`px-4 py-1 text-center text-sm font-medium ${production ? 'bg-red-700' : 'bg-slate-700'}`}
        >
          {where.envLabel ? <span className="uppercase tracking-wide">{where.envLabel} · </span> : null}
          {where.label} · SDKAppID {where.sdkAppId} · region {where.region}
        </div>
      )}
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-8 gap-y-2 px-4 py-3">
        <Link href="/remove" className="font-semibold">
          TIM Push Attribute Console
        </Link>
        {operator && (
          <nav aria-label="Main">
            <ul className="flex flex-wrap gap-6 text-sm">
              {LINKS.filter((l) => hasRole(operator.role, l.role)).map((l) => (
                <li key={l.href}>
                  <Link href={l.href} className="underline-offset-4 hover:underline">
                    {l.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {shell && shell.apps.length > 1 && <AppSwitcher apps={shell.apps} current={shell.current} />}
        {operator && (
          <form action={signOutAction} className="ml-auto flex items-center gap-3 text-sm">
            <span>
              {operator.username} ({operator.role})
            </span>
            <button type="submit" className="rounded border border-white/60 px-3 py-1 hover:bg-white/10">
              Sign out
            </button>
          </form>
        )}
      </div>
    </header>
  );
}
