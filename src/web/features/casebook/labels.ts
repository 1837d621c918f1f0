import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { FORMS } from '#schemas/study/definition';
import { isLesionKey, isVisitKey } from '#schemas/study/instances';
import type { FormKey } from '#schemas/study/keys';
import { useTx } from '../../i18n/tx';

/** "Lesion imaging findings — L3", "Imaging examination — Baseline", "Follow-up visit — FU2". */
export function useInstanceLabel(): (form: FormKey, instance: string) => string {
  const { t } = useTranslation();
  const tx = useTx();
  return useCallback(
    (form: FormKey, instance: string) => {
      const name = tx(FORMS[form].label);
      if (instance === 'baseline' || instance === 'preop')
        return `${name} — ${t(`instance.${instance}`)}`;
      if (isLesionKey(instance) || isVisitKey(instance)) return `${name} — ${instance}`;
      return name;
    },
    [t, tx],
  );
}
