import type { Metadata } from 'next';
import { AttrNamesProblem } from '@/components/attr-names-problem';
import { RemoveForm } from '@/components/remove-form';
import { pageContext } from '@/lib/entry/page';
import { appChoice, attrNamesOf } from '@/lib/queries/apps';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Remove attributes · TIM Push Attribute Console' };

export default async function RemovePage() {
  const ctx = await pageContext('operator', '/remove');
  const { current } = appChoice(ctx);
  const names = await attrNamesOf(ctx, current.id);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Remove attributes</h1>
      {names.ok && names.names.length > 0 ? <RemoveForm key={current.id} app={current} attrNames={names.names} /> : <AttrNamesProblem names={names} />}
    </div>
  );
}
