/**
 * A value built on first use, once: the adapters only some requests need (the S3 client and its
 * presigner) load with the first of those requests, in a chunk of their own (infra/bundling.ts),
 * and stay out of every other cold start. A failed build is not kept: the next use tries again.
 */
export const onFirstUse = <T>(build: () => Promise<T>): (() => Promise<T>) => {
  let built: Promise<T> | undefined;
  return () =>
    (built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    }));
};
