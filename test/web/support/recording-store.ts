/**
 * A metadata store wrapper that records every call with its arguments and how many rows it returned, to
 * check that pages read bounded slices (LIMIT) rather than whole tables.
 */
import type { MetadataStore } from '../../../src/ports/metadata-store.ts';

export interface StoreCall {
  readonly method: string;
  readonly args: readonly unknown[];
  /** Rows returned (array length, or map size); undefined for scalars. */
  readonly rows: number | undefined;
}

/**
 * Wrap a store; `calls` fills as the store is used, `reset()` empties it.
 *
 * @example const { store, calls } = recordingStore(env.store)
 */
export function recordingStore<S extends MetadataStore>(
  inner: S,
): { store: S; calls: StoreCall[]; reset(): void } {
  const calls: StoreCall[] = [];
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const rows = Array.isArray(result) ? result.length : result instanceof Map ? result.size : undefined;
        calls.push({ method: String(prop), args, rows });
        return result;
      };
    },
  });
  return { store, calls, reset: () => calls.splice(0) };
}
