import type { Metadata } from 'next';
import { AttrNamesProblem } from '@/components/attr-names-problem';
import { RemoveForm } from '@/components/remove-form';
import { requirePageRole } from '@/lib/auth/request';
import { getRuntime } from '@/lib/runtime';
import { loadAttrNames } from '@/lib/tim/attr-names';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Remove attributes · TIM Push Attribute Console' };

export default async function RemovePage() {
  await requirePageRole('operator', '/remove');
  const names = await loadAttrNames(getRuntime().tim);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Remove attributes</h1>
      {names.ok && names.names.length > 0 ? <RemoveForm attrNames={names.names} /> : <AttrNamesProblem names={names} />}
    </div>
  );
}
