import {
  createContext,
  type ReactNode,
  use,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import { db } from '../../offline/db';
import { type EffectiveLock, effectiveLock, type FieldMarks, fieldKey, NO_MARKS } from './model';
import { type ReviewState, ReviewStore } from './review-store';

const ReviewContext = createContext<ReviewStore | null>(null);

/** Follows one subject's review data for as long as its casebook is open. */
export function ReviewProvider({
  subjectId,
  children,
}: {
  subjectId: string;
  children: ReactNode;
}) {
  const store = useMemo(() => new ReviewStore(db, subjectId), [subjectId]);
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  return <ReviewContext value={store}>{children}</ReviewContext>;
}

/**
 * A slice of the subject's review state; re-renders only when `equal` says the slice
 * changed. `deps` names what the selector depends on besides the state (e.g. the field).
 */
export function useReview<T>(
  select: (s: ReviewState) => T,
  equal: (a: T, b: T) => boolean = Object.is,
  deps = '',
): T {
  const store = use(ReviewContext);
  if (!store) throw new Error('useReview outside ReviewProvider');
  const last = useRef<{ state: ReviewState; deps: string; value: T } | undefined>(undefined);
  const selectRef = useRef(select);
  selectRef.current = select;
  const equalRef = useRef(equal);
  equalRef.current = equal;
  const getSnapshot = useCallback(() => {
    const state = store.getState();
    const prev = last.current?.deps === deps ? last.current : undefined;
    if (prev && prev.state === state) return prev.value;
    const next = selectRef.current(state);
    const value = prev && equalRef.current(prev.value, next) ? prev.value : next;
    last.current = { state, deps, value };
    return value;
  }, [store, deps]);
  return useSyncExternalStore(store.subscribe, getSnapshot, getSnapshot);
}

const sameMarks = (a: FieldMarks, b: FieldMarks) =>
  a === b || JSON.stringify(a) === JSON.stringify(b);

/** One field's queries and SDV state. */
export function useFieldMarks(form: string, instance: string, path: string): FieldMarks {
  const k = fieldKey(form, instance, path);
  return useReview((s) => s.fields.get(k) ?? NO_MARKS, sameMarks, k);
}

const sameLock = (a: EffectiveLock | undefined, b: EffectiveLock | undefined) =>
  a?.level === b?.level && a?.scope === b?.scope;

/** The lock over a form instance (or the subject, with no form). */
export function useLock(form = '', instance = ''): EffectiveLock | undefined {
  const store = use(ReviewContext);
  const subjectId = store?.subjectId ?? '';
  return useReview(
    (s) => effectiveLock(s.locks, subjectId, form, instance),
    sameLock,
    `${form}|${instance}`,
  );
}

/** The subject whose review data are followed. */
export function useReviewSubjectId(): string {
  const store = use(ReviewContext);
  if (!store) throw new Error('useReviewSubjectId outside ReviewProvider');
  return store.subjectId;
}
