import type { ReactNode } from 'react';

/** A column of counts: its header sits right, over the right-aligned numbers of its NumberCells. */
export interface NumericColumn {
  label: string;
  numeric: true;
}

/** The frame every listing shares: a scrolling box, a visible caption, column headers, the rows. */
export function DataTable({
  caption,
  columns,
  notice,
  fit = false,
  children,
}: {
  caption: ReactNode;
  columns: readonly (string | NumericColumn)[];
  /** Shown above the table, inside the box (a failed refresh, for instance). */
  notice?: ReactNode;
  /**
   * A table made to fit its frame: tighter cells, and Chinese words kept whole in every cell, not
   * only in the headings, so lines break only at spaces and punctuation (`words-whole` in globals.css).
   */
  fit?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      {notice}
      <table className={`min-w-full text-left text-sm ${fit ? 'words-whole [&_td]:px-2 [&_th]:px-2' : ''}`}>
        <caption className="px-3 py-2 text-left font-medium">{caption}</caption>
        <thead className="bg-slate-100">
          <tr>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <th key={c} scope="col" className="px-3 py-2">
                  {c}
                </th>
              ) : (
                <th key={c.label} scope="col" className="px-3 py-2 text-right whitespace-nowrap">
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
