// A TCP proxy whose cable a test can pull. While cut it carries nothing either way and closes
// nothing, so each end keeps a connection the other no longer hears: half-open, as after a pulled
// cable or a partition. Bytes written meanwhile wait, as TCP keeps retransmitting them; a mend
// delivers them, and a close from either side, in order. A connection opened during the cut
// reaches the server only at the mend.
import net from 'node:net';

export interface CutProxy {
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  cut(): void;
  mend(): void;
  close(): Promise<void>;
}

interface Link {
  client: net.Socket;
  server: net.Socket | null;
}

export async function startCutProxy(target: { host: string; port: number }): Promise<CutProxy> {
  let isCut = false;
  const links = new Set<Link>();
  /** What a side did during the cut, for the other side to learn at the mend. */
  let held: (() => void)[] = [];
  const afterCut = (fn: () => void) => (isCut ? held.push(fn) : fn());

  const carry = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (to.write(chunk)) return;
      from.pause();
      to.once('drain', () => !isCut && from.resume());
    });
    from.on('end', () => to.end());
    from.on('error', () => afterCut(() => to.destroy()));
    from.on('close', () => afterCut(() => to.destroy()));
  };

  const open = (link: Link) => {
    const server = net.connect(target);
    link.server = server;
    carry(link.client, server);
    carry(server, link.client);
    server.on('close', () => links.delete(link));
  };

  const proxy = net.createServer((client) => {
    const link: Link = { client, server: null };
    links.add(link);
    client.once('close', () => link.server === null && links.delete(link));
    if (isCut) client.pause();
    else open(link);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;

  return {
    through: (url) => {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut: () => {
      isCut = true;
      for (const { client, server } of links) {
        client.pause();
        server?.pause();
      }
    },
    mend: () => {
      isCut = false;
      for (const link of links) {
        if (!link.server) open(link);
        link.client.resume();
        link.server!.resume();
      }
      for (const fn of held) fn();
      held = [];
    },
    close: async () => {
      for (const { client, server } of links) {
        client.destroy();
        server?.destroy();
      }
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
