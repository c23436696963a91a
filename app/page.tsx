import { redirect } from 'next/navigation';
import { currentOperator } from '@/lib/entry/request';
import { homeFor } from '@/lib/schemas/sign-in';

export default async function Home() {
  const operator = await currentOperator();
  redirect(operator ? homeFor(operator.role) : '/remove');
}
