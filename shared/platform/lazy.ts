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

/**
 * An object whose members are built on first access, each once, from the builders given: a table
 * of schemas costs nothing at cold start, and a request builds only the ones it reads (issue 16:
 * building every input schema of the API with zod took about 15 ms of each HTTP cold start). After
 * its first access, a member is a plain read-only property. A builder that throws is tried again
 * on the next access; one that reads its own member, directly or not, is refused with an error
 * rather than built twice or left to overflow the stack.
 */
export const builtOnAccess = <T extends Record<string, () => unknown>>(builders: T): { readonly [K in keyof T]: ReturnType<T[K]> } => {
  const members = {} as { [K in keyof T]: ReturnType<T[K]> };
  const building = new Set<string>();
  for (const name of Object.keys(builders)) {
    Object.defineProperty(members, name, {
      enumerable: true,
      configurable: true,
      get() {
        if (building.has(name)) throw new Error(`${name} is read while it is being built: its builder depends on itself.`);
        building.add(name);
        try {
          const value = (builders[name] as () => unknown)();
          Object.defineProperty(members, name, { value, enumerable: true, configurable: false, writable: false });
          return value;
        } finally {
          building.delete(name);
        }
      },
    });
  }
  return members;
};

/** A value built on its first use, once (a synchronous {@link onFirstUse}). */
export const once = <T>(build: () => T): (() => T) => {
  let built: { readonly value: T } | undefined;
  let building = false;
  return () => {
    if (built) return built.value;
    if (building) throw new Error('A value is used while it is being built: its builder depends on itself.');
    building = true;
    try {
      built = { value: build() };
    } finally {
      building = false;
    }
    return built.value;
  };
};
