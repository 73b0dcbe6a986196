import { createServer } from 'node:net';

/**
 * Why the service could not listen on `port`, found before anything else starts (the store, the sandbox), or
 * undefined when the port is free. It binds as the service does (every interface), then lets go at once.
 */
export function portProblem(port: number): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(`port ${port} is in use; set PORT=... to a free port, or stop the process that holds it`);
      else if (error.code === 'EACCES') resolve(`port ${port} needs privileges this process does not have; set PORT=... to a port above 1023`);
      else resolve(`port ${port} cannot be opened (${error.code ?? error.message}); set PORT=... to another port`);
    });
    server.listen(port, () => server.close(() => resolve(undefined)));
  });
}
