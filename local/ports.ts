import { createServer } from 'node:net';

/** Thrown when a port the local stack wants is already in use. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`Port ${port} for ${what} is already in use`);
  }
}

function tryListen(port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

// The OS may hand the same ephemeral port to two bind(0) calls in a row once the first is closed again;
// one local stack asks for several, so each port is given out once per process.
const handedOut = new Set<number>();

/** A port that was free a moment ago (the OS picks it), never one this process was given before. */
export async function findFreePort(): Promise<number> {
  for (;;) {
    const port = await tryListen(0);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/**
 * Resolves the port to use: 0 picks a free one, anything else must be free now (checked on all
 * interfaces: the emulators bind 127.0.0.1, but another program's socket on any interface would collide) or
 * a PortInUseError is thrown.
 */
export async function claimPort(port: number, what: string): Promise<number> {
  if (port === 0) return findFreePort();
  try {
    await tryListen(port);
    return port;
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ||
      (error as NodeJS.ErrnoException).code === 'EACCES'
    ) {
      throw new PortInUseError(port, what);
    }
    throw error;
  }
}
