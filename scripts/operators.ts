// `npm run operators -- add NAME ROLE | disable NAME | enable NAME | unlock NAME | reset-password NAME | list`
// Manages operators from a shell on the server; needs only DATABASE_PATH. Passwords are read from
// the terminal (not echoed) or, when piped, from the first line of standard input.
import { createInterface } from 'node:readline';
import { lockedOutOperators } from '../lib/auth/attempts';
import { audit } from '../lib/auth/audit';
import { addOperator, listOperators, resetPassword, setDisabled } from '../lib/auth/operators';
import { roleSchema } from '../lib/auth/roles';
import { unlockOperator } from '../lib/auth/unlock';
import { openDatabase } from '../lib/db/database';

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

async function main(): Promise<number> {
  const [command, name, role] = process.argv.slice(2);
  const db = openDatabase(process.env.DATABASE_PATH ?? './data/console.db');
  const by = { operator: `cli:${process.env.USER ?? 'unknown'}`, clientIp: null };
  switch (command) {
    case 'list': {
      const locked = lockedOutOperators(db);
      const rows = listOperators(db).map((o) => ({
        username: o.username,
        role: o.role,
        status: o.disabled ? 'disabled' : locked.has(o.username) ? 'locked out' : 'active',
        added: o.createdAt,
      }));
      if (rows.length === 0) console.log('No operators yet.');
      else console.table(rows);
      return 0;
    }
    case 'add': {
      const parsedRole = roleSchema.safeParse(role);
      if (!name || !parsedRole.success) break;
      const r = await addOperator(db, { username: name, password: await readPassword(`Password for ${name}: `), role: parsedRole.data });
      if (!r.ok) return fail(r.error);
      audit(db, { ...by, action: 'operator-added', detail: `${r.operator.username} as ${r.operator.role}` });
      console.log(`Added ${r.operator.username} (${r.operator.role}).`);
      return 0;
    }
    case 'disable':
    case 'enable': {
      if (!name) break;
      const r = setDisabled(db, name, command === 'disable');
      if (!r.ok) return fail(r.error);
      audit(db, { ...by, action: command === 'disable' ? 'operator-disabled' : 'operator-enabled', detail: r.operator.username });
      console.log(`${command === 'disable' ? 'Disabled' : 'Enabled'} ${r.operator.username}.`);
      return 0;
    }
    case 'unlock': {
      if (!name) break;
      const r = unlockOperator(db, name, by);
      if (!r.ok) return fail(r.error);
      console.log(r.cleared > 0 ? `Unlocked ${r.operator.username}: ${r.cleared} failed sign-ins no longer count.` : `${r.operator.username} was not locked out.`);
      return 0;
    }
    case 'reset-password': {
      if (!name) break;
      const r = await resetPassword(db, name, await readPassword(`New password for ${name}: `));
      if (!r.ok) return fail(r.error);
      audit(db, { ...by, action: 'password-reset', detail: r.operator.username });
      console.log(`Password of ${r.operator.username} reset; their sessions have ended.`);
      return 0;
    }
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
