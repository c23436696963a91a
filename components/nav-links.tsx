'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavItem {
  href: string;
  label: string;
}

/**
 * The header's links, the current one marked: `aria-current="page"` on the page itself, `"true"` on
 * the section a deeper page belongs to (a run's page under History). A client component because the
 * root layout does not know the path; it still renders on the server, so the mark is there without script.
 */
export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <ul className="flex flex-col gap-1 text-sm xl:flex-row xl:items-center xl:gap-0.5">
      {items.map(({ href, label }) => {
        const current = pathname === href ? 'page' : pathname.startsWith(`${href}/`) ? 'true' : undefined;
        return (
          <li key={href}>
            <Link
              href={href}
              aria-current={current}
              className={`block rounded px-2 py-1.5 whitespace-nowrap underline-offset-4 xl:px-1.5 xl:py-1 ${
                current ? 'bg-white text-slate-900' : 'text-slate-100 hover:bg-white/10 hover:underline'
              }`}
            >
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
