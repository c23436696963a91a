import type { FailureGroupView } from '@/lib/results/present';

/** Each distinct reason once, so a request-level error (a bad key) reads as one message, not a hundred. */
export function FailureSummary({ groups }: { groups: FailureGroupView[] }) {
  if (groups.length === 0) return null;
  return (
    <section aria-labelledby="failure-summary-heading" className="rounded border border-red-200 bg-red-50 p-4">
      <h2 id="failure-summary-heading" className="font-semibold text-red-900">
        Why users failed
      </h2>
      <ul className="mt-2 space-y-3">
        {groups.map((g) => (
          <li key={g.key}>
            <p className="font-medium">
              {g.count} {g.count === 1 ? 'user' : 'users'}: {g.title}
              {g.code && <span className="font-mono"> (code {g.code})</span>}
            </p>
            <p className="text-sm">{g.explanation}</p>
            <p className="text-sm">
              <span className="font-medium">What to do: </span>
              {g.action}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
