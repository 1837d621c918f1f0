import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { EVENTS } from '#schemas/study/definition';
import type { FormKey } from '#schemas/study/keys';
import { FormStatusBadge } from '../../components/StatusBadge';
import { useTx } from '../../i18n/tx';
import { useInstanceLabel } from './labels';
import { casebookNav, formPath, type Management, type NavItem } from './model';
import { jsonEqual, useCasebookStore, useDerived, useStructure } from './store-context';

/** The casebook by event → form instance, each with its live status. */
export function CasebookNav() {
  const { t } = useTranslation();
  const tx = useTx();
  const structure = useStructure();
  const management = useDerived(
    (d) => d.subject.lesions.map((l) => [l.lesion, l.management] as [string, Management]),
    jsonEqual,
  );
  const nav = useMemo(
    () =>
      casebookNav(
        structure.instances,
        structure.lesionKeys,
        structure.visitKeys,
        new Map(management),
      ),
    [structure, management],
  );
  const subjectId = useCasebookStore().subjectId;
  return (
    <nav className="casebook-nav" aria-label={t('casebook.nav')}>
      <NavLink end to={`/subjects/${subjectId}`} className="nav-overview">
        {t('casebook.overview')}
      </NavLink>{' '}
      <NavLink to={`/subjects/${subjectId}/audit`} className="nav-audit">
        {t('audit.subjectTitle')}
      </NavLink>
      <ol className="nav-list nav-events">
        {nav.map((e) => (
          <li key={e.key}>
            <span className="nav-event">
              {tx(EVENTS.find((x) => x.key === e.key)?.label ?? e.key)}
            </span>
            {e.items.length > 0 ? (
              <ul className="nav-sublist">
                {e.items.map((i) => (
                  <NavEntry key={`${i.form}/${i.instance}`} subjectId={subjectId} item={i} />
                ))}
              </ul>
            ) : (
              <p className="muted nav-empty">{t(`casebook.navEmpty.${e.key}`)}</p>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

const NavEntry = memo(function NavEntry({ subjectId, item }: { subjectId: string; item: NavItem }) {
  const label = useInstanceLabel();
  const status = useDerived(
    (d) => {
      const s = d.statusByKey.get(`${item.form}|${item.instance}`);
      return s ? { status: s.status, errors: s.errors.length } : undefined;
    },
    jsonEqual,
    `${item.form}|${item.instance}`,
  );
  return (
    <li data-instance={`${item.form}/${item.instance}`}>
      <NavLink to={formPath(subjectId, item.form as FormKey, item.instance)}>
        {label(item.form, item.instance)}
      </NavLink>{' '}
      <FormStatusBadge
        status={status?.status}
        errors={status?.errors ?? 0}
        enteredInError={item.state === 'entered_in_error'}
      />
    </li>
  );
});
