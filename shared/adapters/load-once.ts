/**
 * Builds on the first call and hands every later (and every concurrent) call the same promise; a build that
 * failed (a chunk that could not be read, a client that could not be made) is tried again by the next call.
 * For what a container loads on first use instead of at cold init.
 */
export function loadOnce<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () =>
    (built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    }));
}
