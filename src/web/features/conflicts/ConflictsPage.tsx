import { useQuery } from '@tanstack/react-query';
import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { can } from '#schemas/access/roles';
import { getField } from '#schemas/study/definition';
import type { AnyField } from '#schemas/study/fields';
import { isFormKey } from '#schemas/study/keys';
import { parsePath } from '#schemas/study/paths';
import { validateFieldValue } from '#schemas/study/schemas';
import type { JsonValue } from '#schemas/sync/protocol';
import { CodeCheckboxes, CodeSelect, TextLikeInput } from '../../components/fields/controls';
import { useTx } from '../../i18n/tx';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useOnline } from '../../lib/use-online';
import { type ConflictRow, db, deviceId } from '../../offline/db';
import { resolveConflict } from '../../offline/sync/resolve';
import { useCurrentUser } from '../auth/session';
import { describeValue } from './describe-value';

interface ServerConflict {
  id: string;
  serverAuthor: string;
  serverTime: string | null;
  incomingAuthor: string;
  incomingClientTime: string;
}

/**
 * Conflicts: the same field changed on two devices before either synced. The server kept
 * the first value and the second beside it; here the user sees both (with who and when),
 * keeps one or types a third, and gives a reason. The resolution is an ordinary change.
 */
export function ConflictsPage() {
  const { t } = useTranslation();
  const { subjectId } = useParams();
  const online = useOnline();
  const conflicts = useLiveQuery(
    () =>
      db.conflicts
        .where('state')
        .equals('open')
        .filter((c) => !subjectId || c.subjectId === subjectId)
        .toArray(),
    [subjectId],
    [],
  );
  const labels = useLiveQuery(
    async () =>
      new Map((await db.subjects.toArray()).map((s) => [s.id, s.label ?? s.provisionalLabel])),
    [],
    new Map<string, string>(),
  );
  // Who changed the server's value and when: known to the server, shown when online.
  const details = useQuery({
    queryKey: ['conflicts', 'server'],
    queryFn: () => api.get<{ conflicts: ServerConflict[] }>('/api/sync/conflicts'),
    enabled: online,
  });
  const byId = new Map((details.data?.conflicts ?? []).map((c) => [c.id, c]));

  return (
    <section aria-labelledby="conflicts-title" className="stack">
      <h1 id="conflicts-title">{t('conflicts.title')}</h1>
      <p className="muted">{t('conflicts.intro')}</p>
      {conflicts.length === 0 ? (
        <p role="status">{t('conflicts.none')}</p>
      ) : (
        <ul className="stack plain-list">
          {conflicts.map((c) => (
            <li key={c.id}>
              <ConflictCard
                conflict={c}
                subjectLabel={labels.get(c.subjectId) ?? ''}
                server={byId.get(c.id)}
              />
            </li>
          ))}
        </ul>
      )}
      <Link to={subjectId ? `/subjects/${subjectId}` : '/subjects'}>{t('conflicts.back')}</Link>
    </section>
  );
}

type Choice = 'server' | 'mine' | 'other';

function ConflictCard({
  conflict,
  subjectLabel,
  server,
}: {
  conflict: ConflictRow;
  subjectLabel: string;
  server: ServerConflict | undefined;
}) {
  const { t } = useTranslation();
  const tx = useTx();
  const user = useCurrentUser();
  const id = useId();
  const [choice, setChoice] = useState<Choice>('server');
  const [other, setOther] = useState<unknown>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const { key } = parsePath(conflict.path);
  const field: AnyField | undefined = isFormKey(conflict.form)
    ? getField(conflict.form, key)
    : undefined;
  const label = field ? tx(field.label) : conflict.path;
  const canWrite = can(user, 'data.write');

  const submit = async () => {
    setError(undefined);
    const value = (
      choice === 'server' ? conflict.serverValue : choice === 'mine' ? conflict.localValue : other
    ) as JsonValue;
    if (!reason.trim()) {
      setError(t('conflicts.reasonRequired'));
      return;
    }
    const check = validateFieldValue(conflict.form, conflict.path, value);
    if (!check.ok) {
      setError(tx(check.message));
      return;
    }
    await resolveConflict(
      db,
      { authorId: user.id, deviceId: await deviceId() },
      conflict,
      value,
      reason,
    );
  };

  return (
    <article className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {subjectLabel} · {conflict.form} {conflict.instance} · {label}
      </h2>
      <fieldset disabled={!canWrite}>
        <legend>{t('conflicts.choose')}</legend>
        <div className="field-inline">
          <input
            id={`${id}-server`}
            type="radio"
            name={`${id}-choice`}
            checked={choice === 'server'}
            onChange={() => setChoice('server')}
          />
          <label htmlFor={`${id}-server`}>
            {t('conflicts.serverValue', { value: describeValue(field, conflict.serverValue, tx) })}{' '}
            <span className="muted">
              {server
                ? t('conflicts.byWhen', {
                    who: server.serverAuthor,
                    when: server.serverTime ? formatDateTime(server.serverTime, true) : '',
                  })
                : t('conflicts.onServer')}
            </span>
          </label>
        </div>
        <div className="field-inline">
          <input
            id={`${id}-mine`}
            type="radio"
            name={`${id}-choice`}
            checked={choice === 'mine'}
            onChange={() => setChoice('mine')}
          />
          <label htmlFor={`${id}-mine`}>
            {t('conflicts.myValue', { value: describeValue(field, conflict.localValue, tx) })}{' '}
            <span className="muted">
              {t('conflicts.byWhen', {
                who: server?.incomingAuthor ?? user.displayName,
                when: formatDateTime(conflict.localTime, true),
              })}
            </span>
          </label>
        </div>
        <div className="field-inline">
          <input
            id={`${id}-other`}
            type="radio"
            name={`${id}-choice`}
            checked={choice === 'other'}
            onChange={() => setChoice('other')}
          />
          <label htmlFor={`${id}-other`}>{t('conflicts.otherValue')}</label>
        </div>
        {choice === 'other' && field && (
          <OtherValue
            id={`${id}-other-value`}
            field={field}
            label={label}
            value={other}
            onValue={setOther}
          />
        )}
        <div className="field">
          <label htmlFor={`${id}-reason`}>{t('conflicts.reason')}</label>
          <input
            id={`${id}-reason`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </div>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="primary" onClick={() => void submit()}>
          {t('conflicts.resolve')}
        </button>
      </fieldset>
    </article>
  );
}

function OtherValue(props: {
  id: string;
  field: AnyField;
  label: string;
  value: unknown;
  onValue: (v: unknown) => void;
}) {
  const { field } = props;
  const common = {
    id: props.id,
    field,
    label: props.label,
    value: props.value,
    onValue: props.onValue,
  };
  if (field.type === 'code') return <CodeSelect {...common} codeList={field.codeList} />;
  if (field.type === 'multi') return <CodeCheckboxes {...common} codeList={field.codeList} />;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <TextLikeInput {...common} />
    </div>
  );
}
