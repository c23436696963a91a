import Link from 'next/link';

export default function Forbidden() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p>Your role does not allow this page. Ask an admin if you need it.</p>
      <p>
        <Link href="/history" className="text-blue-800 underline">
          Go to history
        </Link>
      </p>
    </div>
  );
}
