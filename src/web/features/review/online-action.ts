import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTx } from '../../i18n/tx';
import { ApiError, NetworkError } from '../../lib/api';
import { useOnline } from '../../lib/use-online';
import { useSync } from '../sync/SyncProvider';

/**
 * An action that only the server can carry out (raise, close, verify, sign, lock): run
 * online, its failure told in words (the server's sentence, or "needs a connection"), and
 * followed by a sync so that this device's copy shows the result.
 */
export function useOnlineAction(): {
  online: boolean;
  busy: boolean;
  error: string | undefined;
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
} {
  const { t } = useTranslation();
  const tx = useTx();
  const online = useOnline();
  const { syncNow } = useSync();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const run = useCallback(
    async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
      setError(undefined);
      if (!navigator.onLine) {
        setError(t('review.needsConnection'));
        return undefined;
      }
      setBusy(true);
      try {
        const result = await fn();
        syncNow();
        return result;
      } catch (err) {
        if (err instanceof NetworkError) setError(t('review.needsConnection'));
        else if (err instanceof ApiError) setError(tx(err.message));
        else setError((err as Error).message);
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [t, tx, syncNow],
  );
  return { online, busy, error, run, clear: () => setError(undefined) };
}
