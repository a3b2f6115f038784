import { vi } from 'vitest';

/**
 * Everything written to stdout and stderr from now on (still passed through), for tests that prove no
 * personal value reaches logs or metrics. Undo with `vi.restoreAllMocks()`.
 */
export function captureOutput(): string[] {
  const captured: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return write(chunk, ...rest);
    }) as typeof stream.write);
  }
  return captured;
}
