import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldLabel } from '#schemas/study/definition';
import { isFormKey } from '#schemas/study/keys';
import { parsePath } from '#schemas/study/paths';
import { useTx } from '../../i18n/tx';
import { useInstanceLabel } from '../casebook/labels';

export interface QueryPlace {
  readonly form: string | null;
  readonly instance: string | null;
  readonly path: string | null;
}

/** "Chemotherapy · Total number of cycles", "Lesion imaging findings — L3", "Whole subject". */
export function useDescribePlace(): (q: QueryPlace) => string {
  const { t } = useTranslation();
  const tx = useTx();
  const instanceLabel = useInstanceLabel();
  return useCallback(
    (q: QueryPlace) => {
      if (!q.form || !isFormKey(q.form)) return t('queries.wholeSubject');
      const name = instanceLabel(q.form, q.instance ?? '');
      if (!q.path) return name;
      const { key, lesion } = parsePath(q.path);
      return `${name} · ${tx(fieldLabel(q.form, key))}${lesion ? ` (${lesion})` : ''}`;
    },
    [t, tx, instanceLabel],
  );
}

/** Where the query's field (or form, or subject) is in the casebook. */
export function placeLink(subjectId: string, q: QueryPlace): string {
  if (!q.form || !q.instance) return `/subjects/${subjectId}`;
  return `/subjects/${subjectId}/${q.form}/${q.instance}`;
}

/** The server names automatic entries "System"; shown in the user's language. */
export function authorName(author: string, t: TFunction): string {
  return author === 'System' ? t('queries.system') : author;
}
