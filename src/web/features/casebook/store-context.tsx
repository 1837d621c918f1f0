import {
  createContext,
  type ReactNode,
  use,
  useCallback,
  useRef,
  useSyncExternalStore,
} from 'react';
import type { FormKey } from '#schemas/study/keys';
import type {
  CasebookStore,
  DerivedState,
  FieldStatus,
  InstanceView,
  Structure,
} from '../../offline/casebook-store';

/**
 * React's view of the casebook store. Every component reads a small slice through a
 * selector and re-renders only when that slice changes (useSyncExternalStore), so a
 * keystroke in lesion L15 re-renders L15's field, its panel row and its marker — not the
 * other 29 lesions.
 */

const StoreContext = createContext<CasebookStore | null>(null);

export function CasebookStoreProvider({
  store,
  children,
}: {
  store: CasebookStore;
  children: ReactNode;
}) {
  return <StoreContext value={store}>{children}</StoreContext>;
}

export function useCasebookStore(): CasebookStore {
  const store = use(StoreContext);
  if (!store) throw new Error('useCasebookStore outside CasebookStoreProvider');
  return store;
}

/**
 * A slice of the store; the component re-renders only when `equal` says it changed.
 * `deps` names what the selector depends on besides the store (e.g. the lesion shown), so
 * that a component given other props does not keep the previous slice.
 */
export function useStoreSelector<T>(
  select: (store: CasebookStore) => T,
  equal: (a: T, b: T) => boolean = Object.is,
  deps = '',
): T {
  const store = useCasebookStore();
  const last = useRef<{ version: number; deps: string; value: T } | undefined>(undefined);
  const selectRef = useRef(select);
  selectRef.current = select;
  const equalRef = useRef(equal);
  equalRef.current = equal;
  const getSnapshot = useCallback(() => {
    const prev = last.current?.deps === deps ? last.current : undefined;
    if (prev && prev.version === store.version) return prev.value;
    const next = selectRef.current(store);
    if (prev && equalRef.current(prev.value, next)) {
      last.current = { version: store.version, deps, value: prev.value };
      return prev.value;
    }
    last.current = { version: store.version, deps, value: next };
    return next;
  }, [store, deps]);
  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot);
}

export function useInstanceView(form: FormKey, instance: string): InstanceView {
  return useStoreSelector((s) => s.instance(form, instance), Object.is, `${form}|${instance}`);
}

const NO_STATUS: FieldStatus = { unsent: false, conflicts: 0, synced: false };

export function useFieldStatus(form: FormKey, instance: string, path: string): FieldStatus {
  return useStoreSelector(
    (s) => s.instance(form, instance).fields[path] ?? NO_STATUS,
    jsonEqual,
    `${form}|${instance}|${path}`,
  );
}

export function useDerived<T>(
  select: (d: DerivedState) => T,
  equal: (a: T, b: T) => boolean = Object.is,
  deps = '',
): T {
  return useStoreSelector((s) => select(s.derived()), equal, deps);
}

export function useStructure(): Structure {
  return useStoreSelector((s) => s.structure());
}

export function jsonEqual<T>(a: T, b: T): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

export function arraysEqual<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
