import type { Metadata } from 'next';
import { RemoveForm } from '@/components/remove-form';
import { describeFailure } from '@/lib/results/present';
import { getRuntime } from '@/lib/runtime';
import { loadAttrNames } from '@/lib/tim/attr-names';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Remove attributes · TIM Push Attribute Console' };

export default async function RemovePage() {
  const names = await loadAttrNames(getRuntime().tim);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Remove attributes</h1>
      {!names.ok ? (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-4 text-red-900">
          <p className="font-semibold">Could not load this app&apos;s attribute names: {describeFailure(names.failure).title}</p>
          <p>{describeFailure(names.failure).explanation}</p>
          <p>{describeFailure(names.failure).action}</p>
        </div>
      ) : names.names.length === 0 ? (
        <div role="alert" className="rounded border border-amber-300 bg-amber-50 p-4">
          This app has no push attribute names yet, so there is nothing to remove. Define them first with
          set_attr_name (Push › user attributes in the Chat console).
        </div>
      ) : (
        <RemoveForm attrNames={names.names} />
      )}
    </div>
  );
}
