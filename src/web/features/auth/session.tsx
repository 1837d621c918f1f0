import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, use, useEffect, useMemo, useState } from 'react';
import type { Me } from '#schemas/api/auth';
import { ApiError, api, NetworkError, onUnauthorized } from '../../lib/api';
import { forgetUser, lastUser, rememberUser } from '../../offline/db';

/**
 * Who is using the app, and how sure we are:
 * - `online`: the server confirmed the session;
 * - `offline`: the server cannot be reached; the last user signed in on this device carries on
 *   with the data on the device (nothing is sent until the server confirms a session);
 * - `expired`: the server says the session ended; the app stays where it is, behind a
 *   sign-in dialog, so that nothing on screen is lost;
 * - `signed_out`: nobody (or a cold start with no previous user).
 */
export type Session =
  | { status: 'loading' }
  | { status: 'online'; user: Me }
  | { status: 'offline'; user: Me }
  | { status: 'expired'; user: Me }
  | { status: 'signed_out' };

interface SessionApi {
  session: Session;
  signedIn(user: Me): Promise<void>;
  signedOut(): Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

export const ME_QUERY_KEY = ['me'] as const;

async function fetchMe(): Promise<{ user: Me | null; offline: boolean; cached: Me | undefined }> {
  const cached = await lastUser();
  try {
    const { user } = await api.get<{ user: Me }>('/api/auth/me', { quiet401: true });
    await rememberUser(user);
    return { user, offline: false, cached };
  } catch (err) {
    if (err instanceof NetworkError) return { user: null, offline: true, cached };
    if (err instanceof ApiError && err.status === 401)
      return { user: null, offline: false, cached };
    // A server error is not a sign-out: carry on offline with the device's data.
    return { user: null, offline: true, cached };
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const me = useQuery({
    queryKey: ME_QUERY_KEY,
    queryFn: fetchMe,
    staleTime: 60_000,
    retry: false,
  });
  const [expiredUser, setExpiredUser] = useState<Me | undefined>();

  useEffect(
    () =>
      onUnauthorized(() => {
        const d = qc.getQueryData<Awaited<ReturnType<typeof fetchMe>>>(ME_QUERY_KEY);
        const user = d?.user ?? d?.cached;
        if (user) setExpiredUser(user);
      }),
    [qc],
  );

  const value = useMemo<SessionApi>(() => {
    let session: Session;
    if (me.isPending) session = { status: 'loading' };
    else if (expiredUser) session = { status: 'expired', user: expiredUser };
    else if (me.data?.user) session = { status: 'online', user: me.data.user };
    else if (me.data?.offline && me.data.cached)
      session = { status: 'offline', user: me.data.cached };
    else session = { status: 'signed_out' };
    return {
      session,
      async signedIn(user) {
        await rememberUser(user);
        setExpiredUser(undefined);
        qc.setQueryData(ME_QUERY_KEY, { user, offline: false, cached: user });
        void requestPersistentStorage();
      },
      async signedOut() {
        await forgetUser();
        setExpiredUser(undefined);
        qc.setQueryData(ME_QUERY_KEY, { user: null, offline: false, cached: undefined });
        qc.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_QUERY_KEY[0] });
      },
    };
  }, [me.isPending, me.data, expiredUser, qc]);

  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionApi {
  const ctx = use(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The user the app is working for, in any state where one is known. */
export function useCurrentUser(): Me {
  const { session } = useSession();
  if (session.status === 'loading' || session.status === 'signed_out')
    throw new Error('useCurrentUser without a user');
  return session.user;
}

/**
 * Asks the browser not to evict this origin's storage under pressure: the device may hold
 * the only copy of unsynced clinical data.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}
