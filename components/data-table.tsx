import type { ReactNode } from 'react';

/** The frame every listing shares: a scrolling box, a visible caption, column headers, the rows. */
export function DataTable({
  caption,
  columns,
  notice,
  children,
}: {
  caption: ReactNode;
  columns: readonly string[];
  /** Shown above the table, inside the box (a failed refresh, for instance). */
  notice?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      {notice}
      <table className="min-w-full text-left text-sm">
        <caption className="px-3 py-2 text-left font-medium">{caption}</caption>
        <thead className="bg-slate-100">
          <tr>
            {columns.map((h) => (
              <th key={h} scope="col" className="px-3 py-2">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
