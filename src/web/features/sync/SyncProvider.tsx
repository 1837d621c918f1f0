import {
  createContext,
  type ReactNode,
  use,
  useEffect,
  useState,
  useSyncExternalStore,
} from 'react';
import { db, deviceId as getDeviceId } from '../../offline/db';
import { SyncEngine as Engine, type SyncEngine, type SyncState } from '../../offline/sync/engine';
import { httpTransport } from '../../offline/sync/http-transport';
import { useSession } from '../auth/session';

const EngineContext = createContext<SyncEngine | undefined>(undefined);

/**
 * Runs the sync engine for the user the app works for (signed in, or offline as the last
 * user of this device). A session the server has ended stops pushing; the ops wait in the
 * outbox and go out under their author after the user signs in again.
 */
export function SyncProvider({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const userId =
    session.status === 'online' || session.status === 'offline' ? session.user.id : undefined;
  const [engine, setEngine] = useState<SyncEngine | undefined>();

  useEffect(() => {
    if (!userId) return;
    let e: SyncEngine | undefined;
    let cancelled = false;
    void getDeviceId().then((deviceId) => {
      if (cancelled) return;
      e = new Engine({ db, transport: httpTransport, userId, deviceId });
      setEngine(e);
      e.start();
    });
    return () => {
      cancelled = true;
      e?.stop();
      setEngine(undefined);
    };
  }, [userId]);

  return <EngineContext value={engine}>{children}</EngineContext>;
}

const idle: SyncState = {
  phase: 'idle',
  pushed: 0,
  total: 0,
  lastSyncAt: undefined,
  lastError: undefined,
  rejected: 0,
  conflicts: 0,
};
const noop = () => () => undefined;

/** The engine's live state, and a way to sync now. */
export function useSync(): { state: SyncState; syncNow: () => void } {
  const engine = use(EngineContext);
  const state = useSyncExternalStore(
    engine?.subscribe ?? noop,
    engine?.getState ?? (() => idle),
    () => idle,
  );
  return { state, syncNow: () => void engine?.syncNow() };
}
