'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState, type ReactNode } from 'react';

const PANEL_ID = 'site-menu';
/** Tailwind's `xl` breakpoint: from here the header holds everything in one row and the button is gone. */
const WIDE = '(min-width: 80rem)';

/**
 * Below 1280 px the nav and the account controls fold behind a menu button. The panel is a native
 * popover: the button opens it, Escape or a tap outside closes it and focus goes back to the button,
 * with or without the page's scripts. The script only keeps `aria-expanded` true to the panel and
 * closes the panel after a link is followed or when the window grows past the breakpoint.
 * From 1280 px the panel is `display: contents`: its children sit in the header's row.
 */
export function HeaderMenu({ children }: { children: ReactNode }) {
  const t = useTranslations('ui.header.menu');
  const panel = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const el = panel.current;
    if (!el) return;
    const wide = window.matchMedia(WIDE);
    const fold = () => {
      if (wide.matches && el.matches(':popover-open')) el.hidePopover();
    };
    wide.addEventListener('change', fold);
    return () => wide.removeEventListener('change', fold);
  }, []);

  return (
    <>
      <button
        type="button"
        popoverTarget={PANEL_ID}
        aria-controls={PANEL_ID}
        aria-expanded={open}
        className="ml-auto inline-flex shrink-0 items-center gap-2 rounded border border-white/60 px-3 py-1.5 text-sm hover:bg-white/10 xl:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" className="size-4">
          <path d="M3 5h14M3 10h14M3 15h14" />
        </svg>
        {t('open')}
      </button>
      <div
        ref={panel}
        id={PANEL_ID}
        popover="auto"
        onToggle={(e) => setOpen(e.newState === 'open')}
        onClick={(e) => {
          if ((e.target as Element).closest('a') && e.currentTarget.matches(':popover-open')) e.currentTarget.hidePopover();
        }}
        className="fixed inset-y-0 right-0 left-auto h-dvh w-80 max-w-[85vw] overflow-y-auto bg-slate-900 p-4 text-white shadow-xl backdrop:bg-slate-950/60 open:flex open:flex-col open:gap-6 xl:contents"
      >
        <button
          type="button"
          popoverTarget={PANEL_ID}
          popoverTargetAction="hide"
          className="self-end rounded border border-white/60 px-3 py-1.5 text-sm hover:bg-white/10 xl:hidden"
        >
          {t('close')}
        </button>
        {children}
      </div>
    </>
  );
}
