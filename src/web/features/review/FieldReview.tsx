import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { can } from '#schemas/access/roles';
import { api } from '../../lib/api';
import { useCurrentUser } from '../auth/session';
import { RaiseQueryForm } from '../queries/RaiseQueryForm';
import { useOnlineAction } from './online-action';
import { useFieldMarks, useReviewSubjectId } from './ReviewProvider';

/**
 * Beside each field: its live queries (a link to the thread, "answer waiting to sync"
 * while this device's answer is unsent), its SDV state ("verified", or "changed since
 * verified" with the field's history), and the actions the role has: raise a query (data
 * managers, monitors) and verify the field (monitors).
 */
export const FieldReview = memo(function FieldReview({
  form,
  instance,
  path,
  label,
  synced,
}: {
  form: string;
  instance: string;
  path: string;
  /** The field's label, for the accessible names of the links and buttons. */
  label: string;
  /** The server holds a value of the field (there is something to verify). */
  synced: boolean;
}) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const subjectId = useReviewSubjectId();
  const marks = useFieldMarks(form, instance, path);
  const [raising, setRaising] = useState(false);
  const [raised, setRaised] = useState(false);
  const verify = useOnlineAction();
  const canRaise = can(user, 'query.raise');
  const canVerify = can(user, 'sdv.verify') && synced && marks.sdv !== 'verified';
  if (marks.queries.length === 0 && !marks.sdv && !canRaise && !canVerify) return null;
  const history = `/subjects/${subjectId}/audit?${new URLSearchParams({ form, instance, path })}`;
  return (
    <div className="field-review" data-testid="field-review">
      {marks.queries.map((q) => (
        <Link
          key={q.id}
          to={`/queries/${q.id}`}
          className={`query-marker query-${q.state}`}
          data-testid="query-marker"
        >
          <span aria-hidden="true">? </span>
          {q.state === 'open' ? t('queries.marker.open') : t('queries.marker.answered')}
          {q.waiting && ` · ${t('queries.waiting')}`}
          <span className="sr-only"> {t('queries.marker.on', { field: label })}</span>
        </Link>
      ))}
      {marks.sdv === 'verified' && (
        <span className="badge sdv-verified" data-testid="sdv-state">
          <span aria-hidden="true">✓ </span>
          {t('sdv.verified')}
        </span>
      )}
      {marks.sdv === 'changed' && (
        <span className="sdv-changed">
          <span className="badge badge-warn" data-testid="sdv-state">
            {t('sdv.changed')}
          </span>{' '}
          <Link to={history}>
            {t('sdv.seeChange')}
            <span className="sr-only"> {t('queries.marker.on', { field: label })}</span>
          </Link>
        </span>
      )}
      {canVerify && (
        <button
          type="button"
          className="link-button"
          disabled={verify.busy}
          onClick={() =>
            void verify.run(() => api.post('/api/sdv', { subjectId, form, instance, path }))
          }
        >
          {t('sdv.verifyField')}
          <span className="sr-only"> {label}</span>
        </button>
      )}
      {canRaise && !raising && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setRaised(false);
            setRaising(true);
          }}
        >
          {t('queries.raise.button')}
          <span className="sr-only"> {t('queries.marker.on', { field: label })}</span>
        </button>
      )}
      {raised && (
        <output className="hint" data-testid="query-raised">
          {t('queries.raise.done')}
        </output>
      )}
      {verify.error && (
        <p className="form-error" role="alert">
          {verify.error}
        </p>
      )}
      {raising && (
        <RaiseQueryForm
          target={{ subjectId, form, instance, path }}
          what={label}
          onDone={(ok) => {
            setRaising(false);
            setRaised(ok);
          }}
        />
      )}
    </div>
  );
});
