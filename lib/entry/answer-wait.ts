import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An upload's socket while its answer is being prepared. The server ends a socket that moves
 * nothing for `idleMs`; once the file has arrived whole the console owes the answer, and merging
 * and storing millions of rows first can take longer than that: the client is not idle, it waits.
 * The bound applies again once the answer has gone.
 */
export function waitForTheAnswer(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  req.once('end', () => req.socket.setTimeout(0));
  res.once('finish', () => req.socket.setTimeout(idleMs));
}
