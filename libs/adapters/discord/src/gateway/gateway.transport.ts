import WebSocket from 'ws';

export interface TransportHandlers {
  open(): void;
  message(text: string): void;
  /** Also called when the connection could not be opened (code 1006). */
  close(code: number, reason: string): void;
}

export interface TransportConnection {
  send(text: string): void;
  /** Closes with `code`; resolves once the socket is gone. */
  close(code: number): Promise<void>;
}

/** Opens gateway connections. The state machine never touches a socket, so it can be driven by anything. */
export interface GatewayTransport {
  connect(url: string, handlers: TransportHandlers): TransportConnection;
}

/** How long a closing socket may wait for the peer's close frame before it is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/** The `ws` transport: text frames only (encoding=json, no transport compression). */
export class WsTransport implements GatewayTransport {
  connect(url: string, handlers: TransportHandlers): TransportConnection {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 15_000 });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('open', () => handlers.open());
    socket.on('message', (data, isBinary) => {
      if (!isBinary) handlers.message(data.toString());
    });
    socket.on('close', (code, reason) => handlers.close(code, reason.toString()));
    // 'close' always follows 'error'; the error itself carries nothing the close code does not.
    socket.on('error', () => undefined);
    return {
      send: (text) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(text);
      },
      close: (code) => {
        if (socket.readyState === WebSocket.CLOSED) return closed;
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else {
          socket.close(code);
          const grace = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
          grace.unref();
          void closed.then(() => clearTimeout(grace));
        }
        return closed;
      },
    };
  }
}
