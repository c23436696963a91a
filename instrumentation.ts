/**
 * Runs once when the server starts (not during `next build`): a bad configuration or an
 * unopenable database stops start-up here, with a message naming the variable.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServer } = await import('./lib/entry/startup');
  await startServer();
}
