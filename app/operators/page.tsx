import type { Metadata } from 'next';
import { AddOperatorForm } from '@/components/add-operator-form';
import { OperatorRowActions } from '@/components/operator-row-actions';
import { lockedOutOperators } from '@/lib/auth/attempts';
import { listOperators } from '@/lib/auth/operators';
import { requirePageRole } from '@/lib/auth/request';
import { formatTime } from '@/lib/results/run-view';
import { getRuntime } from '@/lib/runtime';
import { DataTable } from '@/components/data-table';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Operators · TIM Push Attribute Console' };

export default async function OperatorsPage() {
  await requirePageRole('admin', '/operators');
  const { db } = getRuntime();
  const operators = listOperators(db);
  const lockedOut = lockedOutOperators(db);
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
            <td className="px-3 py-2">{o.disabled ? 'Disabled' : lockedOut.has(o.username) ? 'Locked out' : 'Active'}</td>
            <td className="px-3 py-2 whitespace-nowrap">{formatTime(o.createdAt)}</td>
            <td className="px-3 py-2">
              <OperatorRowActions operator={o} lockedOut={lockedOut.has(o.username)} />
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
