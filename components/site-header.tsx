import Link from 'next/link';

const LINKS = [
  { href: '/remove', label: 'Remove attributes' },
  { href: '/bulk', label: 'Bulk CSV' },
  { href: '/history', label: 'History' },
];

export function SiteHeader() {
  return (
    <header className="border-b border-slate-200 bg-slate-900 text-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-8 gap-y-2 px-4 py-3">
        <Link href="/remove" className="font-semibold">
          TIM Push Attribute Console
        </Link>
        <nav aria-label="Main">
          <ul className="flex gap-6 text-sm">
            {LINKS.map((l) => (
              <li key={l.href}>
                <Link href={l.href} className="underline-offset-4 hover:underline">
                  {l.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </header>
  );
}
