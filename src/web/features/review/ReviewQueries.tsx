import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { can } from '#schemas/access/roles';
import { useCurrentUser } from '../auth/session';
import { RaiseQueryForm } from '../queries/RaiseQueryForm';
import { useDescribePlace } from '../queries/where';
import { useReview, useReviewSubjectId } from './ReviewProvider';

const sameList = <T,>(a: readonly T[], b: readonly T[]) =>
  a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * The queries not yet closed on a subject (or one form instance of it), live from the
 * device, each linking to its thread; data managers and monitors raise one here on the
 * subject or the form as a whole.
 */
export function ReviewQueries({
  form,
  instance,
  what,
}: {
  form?: string;
  instance?: string;
  /** What a query raised here is about ("Chemotherapy", "Casebook FR01-003"). */
  what: string;
}) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const subjectId = useReviewSubjectId();
  const placeName = useDescribePlace();
  const id = useId();
  const [raising, setRaising] = useState(false);
  const [raised, setRaised] = useState(false);
  const queries = useReview(
    (s) =>
      s.queries
        .filter(
          (q) =>
            q.state !== 'closed' &&
            (form === undefined || (q.form === form && q.instance === instance)),
        )
        .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt))
        .map((q) => ({ ...q, waiting: (s.waiting.get(q.id) ?? 0) > 0 })),
    sameList,
    `${form}|${instance}`,
  );
  const canRaise = can(user, 'query.raise');
  if (queries.length === 0 && !canRaise) return null;
  return (
    <section className="review-box stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{form ? t('queries.onForm', { what }) : t('queries.onSubject')}</h2>
      {queries.length === 0 ? (
        <p className="muted">{t('queries.noneLive')}</p>
      ) : (
        <ul className="plain-list" data-testid="review-queries">
          {queries.map((q) => (
            <li key={q.id}>
              <Link to={`/queries/${q.id}`}>{placeName(q)}</Link>{' '}
              <span className={`badge query-${q.state}`}>{t(`queries.state.${q.state}`)}</span>
              {q.waiting && <span className="hint"> · {t('queries.waiting')}</span>}
            </li>
          ))}
        </ul>
      )}
      {canRaise && !raising && (
        <div>
          <button
            type="button"
            onClick={() => {
              setRaised(false);
              setRaising(true);
            }}
          >
            {form ? t('queries.raise.onForm') : t('queries.raise.onSubject')}
          </button>
        </div>
      )}
      {raised && <output className="hint">{t('queries.raise.done')}</output>}
      {raising && (
        <RaiseQueryForm
          target={{ subjectId, form, instance }}
          what={what}
          onDone={(ok) => {
            setRaising(false);
            setRaised(ok);
          }}
        />
      )}
    </section>
  );
}
