// A TCP relay between the browser tests and the real server, so that a test can do to a
// connection what a network does: cut it, and refuse new ones for a while. Nothing is parsed
// beyond the first line of what the client sends (to tell /ws/visitor from the rest); the bytes
// go through unchanged, both ways.

import { connect, createServer, type Server, type Socket } from 'node:net';

interface Relayed {
  readonly client: Socket;
  readonly server: Socket;
  readonly requestLine: string;
}

export class CuttableLink {
  private readonly open_ = new Set<Relayed>();
  /** Request-line prefix → refused until this time (Date.now()). */
  private readonly blocked_ = new Map<string, number>();

  private constructor(
    private readonly listener_: Server,
    readonly port: number,
  ) {}

  /** Listens on a free loopback port and relays every connection to `targetPort`. */
  static async start(targetPort: number): Promise<CuttableLink> {
    let link: CuttableLink | null = null;
    const listener = createServer({ noDelay: true }, (client) => link?.accept(client, targetPort));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(0, '127.0.0.1', resolve);
    });
    const address = listener.address();
    if (address === null || typeof address !== 'object') throw new Error('the link has no port');
    link = new CuttableLink(listener, address.port);
    return link;
  }

  /**
   * Cuts every open connection whose request line starts with `requestPrefix` (e.g.
   * "GET /ws/visitor") and refuses new ones for `refuseMs`: they are closed as soon as they say
   * what they want, which the browser sees as a failed WebSocket (1006).
   */
  cut(requestPrefix: string, refuseMs = 0): void {
    if (refuseMs > 0) this.blocked_.set(requestPrefix, Date.now() + refuseMs);
    for (const relayed of [...this.open_]) {
      if (relayed.requestLine.startsWith(requestPrefix)) this.drop(relayed);
    }
  }

  async stop(): Promise<void> {
    for (const relayed of [...this.open_]) this.drop(relayed);
    await new Promise<void>((resolve) => this.listener_.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    client.setNoDelay(true);
    client.once('data', (first: Buffer) => {
      const requestLine = first.subarray(0, Math.max(0, first.indexOf('\r\n'))).toString('latin1');
      if (this.refused(requestLine)) {
        client.destroy();
        return;
      }
      client.pause();
      const server = connect({ host: '127.0.0.1', port: targetPort, noDelay: true }, () => {
        server.write(first);
        client.pipe(server);
        server.pipe(client);
        client.resume();
      });
      const relayed: Relayed = { client, server, requestLine };
      this.open_.add(relayed);
      const end = () => this.drop(relayed);
      client.on('close', end);
      server.on('close', end);
      client.on('error', end);
      server.on('error', end);
    });
    client.on('error', () => client.destroy());
  }

  private refused(requestLine: string): boolean {
    for (const [prefix, until] of this.blocked_) {
      if (requestLine.startsWith(prefix) && Date.now() < until) return true;
    }
    return false;
  }

  private drop(relayed: Relayed): void {
    if (!this.open_.delete(relayed)) return;
    relayed.client.destroy();
    relayed.server.destroy();
  }
}
