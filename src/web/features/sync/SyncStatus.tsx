import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format';
import { useOnline } from '../../lib/use-online';
import { useSync } from './SyncProvider';

/** Progress of the current sync, time of the last one, and a "Sync now" button. */
export function SyncStatus() {
  const { t } = useTranslation();
  const online = useOnline();
  const { state, syncNow } = useSync();
  let text: string;
  if (state.phase === 'pushing')
    text = t('sync.pushing', { pushed: state.pushed, total: state.total });
  else if (state.phase === 'pulling') text = t('sync.pulling');
  else if (state.phase === 'unauthorized') text = t('sync.signInToSync');
  else if (state.phase === 'error') text = t('sync.failed', { message: state.lastError ?? '' });
  else
    text = state.lastSyncAt
      ? t('sync.lastSynced', { when: formatDateTime(state.lastSyncAt) })
      : t('sync.neverSynced');
  const busy = state.phase === 'pushing' || state.phase === 'pulling';
  return (
    <span className="sync-status">
      <output aria-live="polite" data-testid="sync-status" data-last-sync={state.lastSyncAt}>
        {text}
      </output>
      {state.conflicts > 0 && (
        <Link to="/conflicts" className="badge badge-warn" data-testid="conflict-count">
          {t('sync.conflicts', { count: state.conflicts })}
        </Link>
      )}
      {state.rejected > 0 && (
        <span className="badge badge-error" data-testid="rejected-count">
          {t('sync.rejected', { count: state.rejected })}
        </span>
      )}
      <button type="button" onClick={syncNow} disabled={!online || busy}>
        {t('sync.now')}
      </button>
    </span>
  );
}
