import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '#schemas/access/roles';
import { EVENTS } from '#schemas/study/definition';
import { useTx } from '../../i18n/tx';
import { api } from '../../lib/api';
import { useCurrentUser } from '../auth/session';
import { useOnlineAction } from './online-action';
import { useReviewSubjectId } from './ReviewProvider';

/**
 * Source data verification by a monitor: every value entered in the scope (a form
 * instance; an event or the whole casebook on the overview) is marked verified at its
 * current revision. Online only.
 */
export function SdvControls({ form, instance }: { form?: string; instance?: string }) {
  const { t } = useTranslation();
  const tx = useTx();
  const user = useCurrentUser();
  const subjectId = useReviewSubjectId();
  const id = useId();
  const action = useOnlineAction();
  const [scope, setScope] = useState('');
  const [done, setDone] = useState<number | undefined>();
  if (!can(user, 'sdv.verify')) return null;
  const verify = async () => {
    setDone(undefined);
    const body = form
      ? { subjectId, form, instance }
      : { subjectId, ...(scope ? { event: scope } : {}) };
    const res = await action.run(() => api.post<{ verified: number }>('/api/sdv', body));
    if (res) setDone(res.verified);
  };
  return (
    <section className="review-box stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('sdv.title')}</h2>
      {!form && (
        <div className="field-inline">
          <label htmlFor={`${id}-scope`}>{t('sdv.scope')}</label>
          <select id={`${id}-scope`} value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="">{t('sdv.wholeCasebook')}</option>
            {EVENTS.map((e) => (
              <option key={e.key} value={e.key}>
                {tx(e.label)}
              </option>
            ))}
          </select>
        </div>
      )}
      {!action.online && <p className="hint">{t('review.needsConnection')}</p>}
      <div>
        <button
          type="button"
          className="primary"
          disabled={!action.online || action.busy}
          onClick={() => void verify()}
        >
          {form ? t('sdv.verifyForm') : t('sdv.verify')}
        </button>
      </div>
      {done !== undefined && (
        <output data-testid="sdv-done">{t('sdv.done', { count: done })}</output>
      )}
      {action.error && (
        <p className="form-error" role="alert">
          {action.error}
        </p>
      )}
    </section>
  );
}
