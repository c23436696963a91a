import 'server-only';

/**
 * Next.js bundles a thread's entry as JavaScript. Run from source (tests, scripts under tsx) it
 * is TypeScript. The bundle's import.meta.url still names the .ts file, so ask the runtime instead.
 */
export const FROM_SOURCE = process.env.NEXT_RUNTIME === undefined;

/** A worker thread does not inherit the parent's TypeScript loader: it loads its entry through tsx itself. */
export const fromSource = (entry: string) => `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
