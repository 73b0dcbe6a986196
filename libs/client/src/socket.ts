/** What the stream needs of a WebSocket: the browser's, Node 22's global one, or `ws`'s class in Node 20. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener<K extends keyof SocketEvents>(type: K, listener: (event: SocketEvents[K]) => void): void;
}

/** The parts of each socket event the stream reads. */
export interface SocketEvents {
  open: unknown;
  message: { data: unknown };
  close: { code: number; reason: string };
  error: unknown;
}

/**
 * A WebSocket class. The second argument is what `ws` takes as options (`{headers}` with `auth: 'header'`); the
 * browser's class is only ever given the URL.
 */
export type WebSocketConstructor = new (url: string, options?: never) => WebSocketLike;

/** `readyState` of an open socket (the same number in every implementation). */
export const SOCKET_OPEN = 1;
