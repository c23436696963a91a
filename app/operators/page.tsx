import type { Metadata } from 'next';
import { AddOperatorForm } from '@/components/add-operator-form';
import { DataTable } from '@/components/data-table';
import { OperatorRowActions } from '@/components/operator-row-actions';
import { pageContext } from '@/lib/entry/page';
import { operatorsWithLockouts } from '@/lib/queries/admin';
import { formatTime } from '@/lib/results/run-view';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Operators · TIM Push Attribute Console' };

export default async function OperatorsPage() {
  const ctx = await pageContext('admin', '/operators');
  const operators = await operatorsWithLockouts(ctx);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Operators</h1>
      <p className="text-sm">Passwords can also be reset from a shell: <code>npm run operators -- reset-password NAME</code>.</p>
      <AddOperatorForm />
      <DataTable caption="Operators" columns={['Username', 'Role', 'Status', 'Added', 'Actions']}>
        {operators.map((o) => (
          <tr key={o.id} className="border-t border-slate-100">
            <td className="px-3 py-2 font-mono">{o.username}</td>
            <td className="px-3 py-2">{o.role}</td>
            <td className="px-3 py-2">{o.disabled ? 'Disabled' : o.lockedOut ? 'Locked out' : 'Active'}</td>
            <td className="px-3 py-2 whitespace-nowrap">{formatTime(o.createdAt)}</td>
            <td className="px-3 py-2">
              <OperatorRowActions operator={o} lockedOut={o.lockedOut} />
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
