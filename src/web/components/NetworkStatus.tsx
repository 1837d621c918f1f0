import { useObservable } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useOnline } from '../lib/use-online';
import { pendingCountFor } from '../offline/outbox';

/**
 * The user's changes not yet accepted by the server (live). Another user's ops left on a
 * shared device are not counted: they are not this user's to send, nor a reason to keep
 * this user from signing out.
 */
export function usePendingCount(userId: string | undefined): number {
  return useObservable(() => pendingCountFor(userId ?? ''), [userId], 0);
}

/** Always-visible network state and the number of changes waiting to be sent. */
export function NetworkStatus() {
  const { t } = useTranslation();
  const online = useOnline();
  return (
    <output className={`net-status ${online ? 'is-online' : 'is-offline'}`} aria-live="polite">
      <span className="net-dot" aria-hidden="true" />
      <span data-testid="network-state">{online ? t('network.online') : t('network.offline')}</span>
    </output>
  );
}
