import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '#schemas/access/roles';
import { api } from '../../lib/api';
import { useCurrentUser } from '../auth/session';
import type { EffectiveLock } from './model';
import { lockSetAt } from './model';
import { useOnlineAction } from './online-action';
import { useLock, useReview, useReviewSubjectId } from './ReviewProvider';

/** What everyone sees of a lock over the page they are on. */
export function LockBanner({ lock, what }: { lock: EffectiveLock | undefined; what: string }) {
  const { t } = useTranslation();
  if (!lock) return null;
  return (
    <p className="banner banner-warn" role="note" data-testid="lock-banner">
      {t(`lock.banner.${lock.level}`, { what })}{' '}
      {lock.scope === 'subject' && <span>{t('lock.wholeSubject')}</span>}
    </p>
  );
}

/**
 * Data managers freeze (no data changes, queries go on), lock (nothing changes) or unlock
 * (with a reason, audited) a subject or a form instance. Online only; every device then
 * shows the form read-only, and the server refuses changes whatever a device sends.
 */
export function LockControls({
  form = '',
  instance = '',
  what,
}: {
  form?: string;
  instance?: string;
  what: string;
}) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const subjectId = useReviewSubjectId();
  const id = useId();
  const here = useReview((s) => lockSetAt(s.locks, subjectId, form, instance), Object.is, id);
  const effective = useLock(form, instance);
  const action = useOnlineAction();
  const [unlocking, setUnlocking] = useState(false);
  const [reason, setReason] = useState('');
  if (!can(user, 'lock.manage')) return null;
  const set = async (level: 'frozen' | 'locked' | 'unlocked') => {
    const body = {
      subjectId,
      ...(form ? { form } : {}),
      ...(instance ? { instance } : {}),
      level,
      ...(level === 'unlocked' ? { reason } : {}),
    };
    const ok = await action.run(() => api.post('/api/locks', body));
    if (ok && level === 'unlocked') {
      setUnlocking(false);
      setReason('');
    }
  };
  return (
    <section className="review-box stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('lock.title', { what })}</h2>
      <p data-testid="lock-state">
        {here ? t(`lock.state.${here}`) : t('lock.state.unlocked')}
        {!here &&
          effective &&
          ` ${t('lock.inherited', { level: t(`lock.state.${effective.level}`) })}`}
      </p>
      {!action.online && <p className="hint">{t('review.needsConnection')}</p>}
      <div className="button-row">
        {here !== 'frozen' && (
          <button
            type="button"
            disabled={!action.online || action.busy}
            onClick={() => void set('frozen')}
          >
            {t('lock.freeze', { what })}
          </button>
        )}
        {here !== 'locked' && (
          <button
            type="button"
            disabled={!action.online || action.busy}
            onClick={() => void set('locked')}
          >
            {t('lock.lock', { what })}
          </button>
        )}
        {here && !unlocking && (
          <button type="button" disabled={!action.online} onClick={() => setUnlocking(true)}>
            {t('lock.unlock', { what })}
          </button>
        )}
      </div>
      {unlocking && (
        <div className="stack">
          <label htmlFor={`${id}-reason`}>{t('lock.reason')}</label>
          <input
            id={`${id}-reason`}
            type="text"
            value={reason}
            maxLength={2000}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="button-row">
            <button
              type="button"
              className="primary"
              disabled={!action.online || action.busy || !reason.trim()}
              onClick={() => void set('unlocked')}
            >
              {t('lock.confirmUnlock')}
            </button>
            <button type="button" onClick={() => setUnlocking(false)}>
              {t('lock.cancel')}
            </button>
          </div>
        </div>
      )}
      {action.error && (
        <p className="form-error" role="alert">
          {action.error}
        </p>
      )}
    </section>
  );
}
