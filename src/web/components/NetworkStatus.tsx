import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useOnline } from '../lib/use-online';
import { db } from '../offline/db';

/** Outbox ops not yet accepted by the server (live). */
export function usePendingCount(): number {
  return useLiveQuery(() => db.outbox.count(), [], 0);
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
