import type { JournalEnv } from './journal';

/** A localStorage stand-in for tests of the keystroke journal. */
export function memoryStorage(): JournalEnv['storage'] & { dump(): Record<string, string> } {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    key: (i: number) => [...m.keys()][i] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    dump: () => Object.fromEntries(m),
  };
}
