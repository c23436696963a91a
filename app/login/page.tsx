import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/sign-in-form';
import { currentOperator } from '@/lib/auth/request';
import { loginSearchSchema, readSearchParams, type RawSearchParams } from '@/lib/schemas/search-params';
import { safeNext } from '@/lib/schemas/sign-in';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in · TIM Push Attribute Console' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const { next } = readSearchParams(loginSearchSchema, await searchParams);
  if (await currentOperator()) redirect(safeNext(next));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      <SignInForm next={next} />
    </div>
  );
}
