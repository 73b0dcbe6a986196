import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP pass-through to a real server (PostgreSQL) that a test can cut: `cut()` resets every open connection and
 * every new one until `restore()`, as a server that went away does. Nothing is mocked: bytes go to the real server.
 */
export class TcpGate {
  private readonly sockets = new Set<Socket>();
  private down = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpGate> {
    const holder: { gate?: TcpGate } = {};
    const server = createServer((client) => {
      const self = holder.gate as TcpGate;
      if (self.down) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        self.sockets.add(socket);
        socket.on('close', () => self.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.gate = new TcpGate(server, (server.address() as AddressInfo).port);
    return holder.gate;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
