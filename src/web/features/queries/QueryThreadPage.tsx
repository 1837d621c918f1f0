import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { can } from '#schemas/access/roles';
import { useTx } from '../../i18n/tx';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { db, deviceId, type OutboxRow, type QueryRow } from '../../offline/db';
import { answerQueryRow } from '../../offline/outbox';
import { useCurrentUser } from '../auth/session';
import { daysBetween, effectiveLock } from '../review/model';
import { useOnlineAction } from '../review/online-action';
import { authorName, placeLink, useDescribePlace } from './where';

/**
 * `/queries/:queryId`: one query's thread — every message with its author, time and kind,
 * this device's answers still waiting to be sent — and what the user's role may do: the
 * site answers (offline too: the answer is an op in the outbox), data managers and
 * monitors comment, close and reopen (online).
 */
export function QueryThreadPage() {
  const { t } = useTranslation();
  const { queryId = '' } = useParams();
  const heading = useRef<HTMLHeadingElement>(null);
  const placeName = useDescribePlace();
  const data = useLiveQuery(async () => {
    const query = await db.queries.get(queryId);
    if (!query) return { query: undefined };
    const [messages, subject, waiting, locks] = await Promise.all([
      db.queryMessages.where('queryId').equals(queryId).sortBy('rev'),
      db.subjects.get(query.subjectId),
      db.outbox
        .where('subjectId')
        .equals(query.subjectId)
        .filter((r) => r.op.kind === 'answer_query' && r.op.queryId === queryId)
        .sortBy('seq'),
      db.locks.where('subjectId').equals(query.subjectId).toArray(),
    ]);
    return { query, messages, subject, waiting, locks };
  }, [queryId]);
  useEffect(() => {
    heading.current?.focus();
  }, []);

  if (!data)
    return (
      <p role="status" className="loading">
        {t('app.loading')}
      </p>
    );
  const { query } = data;
  if (!query || !data.subject)
    return (
      <section className="stack" aria-labelledby="thread-title">
        <h1 id="thread-title" ref={heading} tabIndex={-1}>
          {t('queries.thread.title')}
        </h1>
        <p>{t('queries.thread.notHere')}</p>
        <Link to="/queries">{t('queries.back')}</Link>
      </section>
    );
  const subjectLabel = data.subject.label ?? data.subject.provisionalLabel;
  const lock = effectiveLock(data.locks, query.subjectId, query.form ?? '', query.instance ?? '');
  const closeMsg =
    query.state === 'closed'
      ? data.messages.filter((m) => m.kind === 'close' || m.kind === 'auto_close').at(-1)
      : undefined;
  const history =
    query.form && query.instance && query.path
      ? `/subjects/${query.subjectId}/audit?${new URLSearchParams({
          form: query.form,
          instance: query.instance,
          path: query.path,
        })}`
      : `/subjects/${query.subjectId}/audit`;

  return (
    <section className="stack thread-page" aria-labelledby="thread-title">
      <p>
        <Link to="/queries">{t('queries.back')}</Link>
      </p>
      <h1 id="thread-title" ref={heading} tabIndex={-1}>
        {t('queries.thread.heading', { subject: subjectLabel, place: placeName(query) })}
      </h1>
      <dl className="thread-meta">
        <div>
          <dt>{t('queries.col.state')}</dt>
          <dd data-testid="thread-state">
            <span className={`badge query-${query.state}`}>
              {t(`queries.state.${query.state}`)}
            </span>
            {data.waiting.length > 0 && ` · ${t('queries.waiting')}`}
          </dd>
        </div>
        <div>
          <dt>{t('queries.col.kind')}</dt>
          <dd>{t(`queries.kind.${query.kind}`)}</dd>
        </div>
        <div>
          <dt>{t('queries.col.raised')}</dt>
          <dd>{formatDateTime(query.raisedAt, true)}</dd>
        </div>
        <div>
          <dt>{t('queries.col.age')}</dt>
          <dd>
            {t('queries.days', {
              count: daysBetween(query.raisedAt, closeMsg?.at ?? new Date()),
            })}
          </dd>
        </div>
      </dl>
      <p>
        <Link to={placeLink(query.subjectId, query)}>{t('queries.thread.goTo')}</Link> ·{' '}
        <Link to={history}>{t('queries.thread.history')}</Link>
      </p>
      <h2>{t('queries.thread.messages')}</h2>
      <ol className="thread plain-list" data-testid="thread">
        {data.messages.map((m) => (
          <li key={m.id} data-kind={m.kind}>
            <article
              className={`message message-${m.kind}`}
              aria-label={t(`queries.msg.${m.kind}`)}
            >
              <p className="message-head">
                <strong>{t(`queries.msg.${m.kind}`)}</strong> · {authorName(m.author, t)} ·{' '}
                <time dateTime={m.at}>{formatDateTime(m.at, true)}</time>
              </p>
              <p className="message-text">{m.text}</p>
            </article>
          </li>
        ))}
        {data.waiting.map((r) => (
          <WaitingAnswer key={r.opId} row={r} />
        ))}
      </ol>
      <Actions query={query} locked={lock?.level === 'locked'} />
    </section>
  );
}

/** An answer from this device not yet accepted by the server. */
function WaitingAnswer({ row }: { row: OutboxRow }) {
  const { t } = useTranslation();
  const tx = useTx();
  const user = useCurrentUser();
  if (row.op.kind !== 'answer_query') return null;
  const mine = row.op.authorId === user.id;
  return (
    <li data-kind="answer" data-waiting="true">
      <article className="message message-answer is-waiting" aria-label={t('queries.msg.answer')}>
        <p className="message-head">
          <strong>{t('queries.msg.answer')}</strong> ·{' '}
          {mine ? user.displayName : t('queries.thread.otherUser')} ·{' '}
          <time dateTime={row.op.clientTime}>{formatDateTime(row.op.clientTime, true)}</time> ·{' '}
          <span className="badge badge-warn">
            {row.state === 'rejected' ? t('queries.refused') : t('queries.waiting')}
          </span>
        </p>
        <p className="message-text">{row.op.text}</p>
        {row.state === 'rejected' && row.error && (
          <p className="form-error">
            {t('form.rejected', { message: tx(row.error.message) })}{' '}
            {mine && row.seq !== undefined && (
              <button
                type="button"
                className="link-button"
                onClick={() => void db.outbox.delete(row.seq as number)}
              >
                {t('queries.thread.discard')}
              </button>
            )}
          </p>
        )}
      </article>
    </li>
  );
}

function Actions({ query, locked }: { query: QueryRow; locked: boolean }) {
  const user = useCurrentUser();
  if (can(user, 'query.answer')) return <AnswerForm query={query} locked={locked} />;
  if (can(user, 'query.close')) return <ReviewerActions query={query} locked={locked} />;
  return null;
}

/** The site's answer: written to the outbox like any change, so it works offline. */
function AnswerForm({ query, locked }: { query: QueryRow; locked: boolean }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  if (query.state === 'closed') return <p className="muted">{t('queries.thread.closedNote')}</p>;
  if (locked) return <p className="banner banner-warn">{t('queries.thread.lockedNote')}</p>;
  const send = async () => {
    setError(undefined);
    setSaved(false);
    try {
      const row = answerQueryRow(
        { authorId: user.id, deviceId: await deviceId() },
        { subjectId: query.subjectId, queryId: query.id, text },
      );
      await db.outbox.add(row);
      setText('');
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form
      className="stack review-box"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <h2 id={`${id}-title`}>{t('queries.answer.title')}</h2>
      <p className="hint" id={`${id}-help`}>
        {t('queries.answer.help')}
      </p>
      <label htmlFor={`${id}-text`}>{t('queries.answer.label')}</label>
      <textarea
        id={`${id}-text`}
        rows={3}
        maxLength={4000}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={`${id}-help`}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {saved && <output className="hint">{t('queries.answer.saved')}</output>}
      <div>
        <button type="submit" className="primary" disabled={!text.trim()}>
          {t('queries.answer.send')}
        </button>
      </div>
    </form>
  );
}

/** Data managers and monitors: comment, close, reopen — online, through the server. */
function ReviewerActions({ query, locked }: { query: QueryRow; locked: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [done, setDone] = useState<string | undefined>();
  const action = useOnlineAction();
  const act = async (kind: 'comment' | 'close' | 'reopen') => {
    setDone(undefined);
    const res = await action.run(() =>
      api.post<{ state: string }>(`/api/queries/${query.id}/actions`, { action: kind, text }),
    );
    if (res) {
      setText('');
      setDone(t(`queries.actions.done.${kind}`));
    }
  };
  const disabled = !action.online || action.busy || !text.trim() || locked;
  return (
    <fieldset className="stack review-box" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('queries.actions.title')}</h2>
      {locked && <p className="banner banner-warn">{t('queries.thread.lockedNote')}</p>}
      {!action.online && <p className="hint">{t('review.needsConnection')}</p>}
      <label htmlFor={`${id}-text`}>{t('queries.actions.label')}</label>
      <textarea
        id={`${id}-text`}
        rows={3}
        maxLength={4000}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {action.error && (
        <p className="form-error" role="alert">
          {action.error}
        </p>
      )}
      {done && <output className="hint">{done}</output>}
      <div className="button-row">
        <button type="button" disabled={disabled} onClick={() => void act('comment')}>
          {t('queries.actions.comment')}
        </button>
        {query.state !== 'closed' ? (
          <button
            type="button"
            className="primary"
            disabled={disabled}
            onClick={() => void act('close')}
          >
            {t('queries.actions.close')}
          </button>
        ) : (
          <button type="button" disabled={disabled} onClick={() => void act('reopen')}>
            {t('queries.actions.reopen')}
          </button>
        )}
      </div>
    </fieldset>
  );
}
