import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { SignInForm } from '@/components/sign-in-form';
import { currentOperator } from '@/lib/entry/request';
import { loginSearchSchema, readSearchParams, type RawSearchParams } from '@/lib/schemas/search-params';
import { safeNext } from '@/lib/schemas/sign-in';

export const dynamic = 'force-dynamic';
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('pages.metadata');
  return { title: t('login') };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const { next } = readSearchParams(loginSearchSchema, await searchParams);
  const operator = await currentOperator();
  if (operator) redirect(safeNext(next, operator.role));
  const t = await getTranslations('pages.login');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('heading')}</h1>
      <SignInForm next={next} />
    </div>
  );
}
