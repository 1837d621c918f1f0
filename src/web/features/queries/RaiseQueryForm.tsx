import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useOnlineAction } from '../review/online-action';

export interface QueryTarget {
  readonly subjectId: string;
  readonly form?: string | undefined;
  readonly instance?: string | undefined;
  readonly path?: string | undefined;
}

/**
 * A data manager or monitor asks the site about a field, a form or a whole subject. Online
 * only: the query is created by the server (and reaches the site's devices by their next
 * pull).
 */
export function RaiseQueryForm({
  target,
  what,
  onDone,
}: {
  target: QueryTarget;
  /** What the query is about, in words ("Total number of cycles", "Chemotherapy"). */
  what: string;
  onDone: (raised: boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const action = useOnlineAction();
  useEffect(() => {
    box.current?.focus();
  }, []);
  const send = async () => {
    if (!text.trim()) return;
    const body = {
      subjectId: target.subjectId,
      ...(target.form ? { form: target.form } : {}),
      ...(target.instance ? { instance: target.instance } : {}),
      ...(target.path ? { path: target.path } : {}),
      text,
    };
    const done = await action.run(() => api.post<{ id: string }>('/api/queries', body));
    if (done) onDone(true);
  };
  return (
    <div className="raise-query stack" data-testid="raise-query">
      <label htmlFor={`${id}-text`}>{t('queries.raise.label', { what })}</label>
      <textarea
        id={`${id}-text`}
        ref={box}
        rows={3}
        maxLength={4000}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={action.error ? `${id}-error` : !action.online ? `${id}-off` : undefined}
      />
      {!action.online && (
        <p id={`${id}-off`} className="hint">
          {t('review.needsConnection')}
        </p>
      )}
      {action.error && (
        <p id={`${id}-error`} className="form-error" role="alert">
          {action.error}
        </p>
      )}
      <div className="button-row">
        <button
          type="button"
          className="primary"
          disabled={!action.online || action.busy || !text.trim()}
          onClick={() => void send()}
        >
          {t('queries.raise.send')}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          {t('queries.raise.cancel')}
        </button>
      </div>
    </div>
  );
}
