// `npm run operators -- add NAME ROLE | disable NAME | enable NAME | unlock NAME | reset-password NAME | list`
// Manages operators from a shell on the server; needs only DATABASE_PATH, or DATABASE_URL. Passwords are read from
// the terminal (not echoed) or, when piped, from the first line of standard input.
import { createInterface } from 'node:readline';
import { parseStoreConfig } from '../lib/config';
import { ENGLISH } from '../lib/messages/catalogues';
import { errorMessage } from '../lib/messages/translate';
import { operatorsWithLockouts } from '../lib/queries/admin';
import { operatorChangeSchema, type OperatorChangeInput } from '../lib/schemas/operators';
import { createStoreRuntime } from '../lib/runtime';
import { contextOf, type UseCaseContext } from '../lib/use-cases/context';
import { changeOperator } from '../lib/use-cases/manage-operators';

const USAGE = 'usage: npm run operators -- add NAME viewer|operator|admin | disable NAME | enable NAME | unlock NAME | reset-password NAME | list';

async function readPassword(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    process.stdout.write(prompt);
    // Mute the echo of what is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  const line = await new Promise<string>((resolve) => rl.once('line', resolve));
  rl.close();
  if (process.stdin.isTTY) process.stdout.write('\n');
  return line;
}

const DONE: Record<OperatorChangeInput['kind'], (u: string) => string> = {
  add: (u) => `Added ${u}.`,
  disable: (u) => `Disabled ${u}.`,
  enable: (u) => `Enabled ${u}.`,
  role: (u) => `Changed the role of ${u}.`,
  'reset-password': (u) => `Password of ${u} reset; their sessions have ended.`,
  unlock: (u) => `Unlocked ${u}: failed sign-ins no longer count against it.`,
};

async function change(ctx: UseCaseContext, raw: Record<string, unknown>): Promise<number> {
  const input = operatorChangeSchema.safeParse(raw);
  if (!input.success) return fail(input.error.issues.map((i) => i.message).join(' '));
  const r = await changeOperator(ctx, input.data);
  if (!r.ok) return fail(errorMessage(r.error, ENGLISH));
  console.log(DONE[r.value.kind](r.value.username));
  return 0;
}

async function main(): Promise<number> {
  const [command, name, role] = process.argv.slice(2);
  const ctx = contextOf(createStoreRuntime(parseStoreConfig(process.env)), { username: `cli:${process.env.USER ?? 'unknown'}`, role: 'admin', clientIp: null, appId: null }, ENGLISH);
  switch (command) {
    case 'list': {
      const rows = (await operatorsWithLockouts(ctx)).map((o) => ({
        username: o.username,
        role: o.role,
        status: o.disabled ? 'disabled' : o.lockedOut ? 'locked out' : 'active',
        added: o.createdAt,
      }));
      if (rows.length === 0) console.log('No operators yet.');
      else console.table(rows);
      return 0;
    }
    case 'add':
      if (!name || !role) break;
      return change(ctx, { kind: 'add', username: name, role, password: await readPassword(`Password for ${name}: `) });
    case 'disable':
    case 'enable':
    case 'unlock':
      if (!name) break;
      return change(ctx, { kind: command, username: name });
    case 'reset-password':
      if (!name) break;
      return change(ctx, { kind: 'reset-password', username: name, password: await readPassword(`New password for ${name}: `) });
  }
  return fail(USAGE);
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
