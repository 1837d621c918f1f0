import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { fieldLabel } from '#schemas/study/definition';
import { isLesionKey, isValidInstanceKey } from '#schemas/study/instances';
import { type FormKey, isFormKey } from '#schemas/study/keys';
import { FormStatusBadge } from '../../components/StatusBadge';
import { useTx } from '../../i18n/tx';
import { LockBanner, LockControls } from '../review/LockControls';
import { useLock } from '../review/ReviewProvider';
import { ReviewQueries } from '../review/ReviewQueries';
import { SdvControls } from '../review/SdvControls';
import { useCanWrite } from './CasebookLayout';
import { CrfForm } from './CrfForm';
import { DerivedPanel, useClassText } from './DerivedPanel';
import { InstanceActions } from './InstanceActions';
import { useInstanceLabel } from './labels';
import { formPath, neighbours, pathAvailability } from './model';
import {
  jsonEqual,
  useDerived,
  useInstanceView,
  useStoreSelector,
  useStructure,
} from './store-context';

const LESION_FORMS = ['LES', 'IOLES', 'PATH'] as const;

/** `/subjects/:subjectId/:form/:instance`: one form instance, with the panel beside lesion forms. */
export function FormPage() {
  const { t } = useTranslation();
  const { form = '', instance = '' } = useParams();
  if (!isFormKey(form) || !isValidInstanceKey(form, instance))
    return (
      <div role="alert">
        <h1>{t('errors.notFound')}</h1>
      </div>
    );
  return <FormInstancePage key={`${form}/${instance}`} form={form} instance={instance} />;
}

function FormInstancePage({ form, instance }: { form: FormKey; instance: string }) {
  const { t } = useTranslation();
  const tx = useTx();
  const label = useInstanceLabel();
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const subjectId = useStoreSelector((s) => s.subjectId);
  const view = useInstanceView(form, instance);
  const structure = useStructure();
  const canWrite = useCanWrite();
  const perLesion = isLesionKey(instance) && (LESION_FORMS as readonly string[]).includes(form);
  const status = useDerived(
    (d) => {
      const s = d.statusByKey.get(`${form}|${instance}`);
      return s ? { status: s.status, missing: s.missing, errors: s.errors.length } : undefined;
    },
    jsonEqual,
    `${form}|${instance}`,
  );
  const management = useDerived(
    (d) => d.casebook.lesions.find((l) => l.lesion === instance)?.IOLES?.values.management,
    Object.is,
    instance,
  );

  // A new page: move focus to its title, so keyboard and screen-reader users start there.
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const name = label(form, instance);
  const hasLes = structure.instances.some((i) => i.form === 'LES' && i.instance === instance);
  let unavailable: string | undefined;
  if (!view.exists) {
    if (form === 'LES' || form === 'FU') unavailable = t('form.notAdded', { name });
    else if (perLesion && !hasLes) unavailable = t('form.noSuchLesion', { lesion: instance });
    else if (form === 'PATH') {
      const a = pathAvailability(management);
      if (!a.available) unavailable = t(`form.pathUnavailable.${a.reason}`, { lesion: instance });
    }
  }

  const lesionWithdrawn =
    perLesion &&
    structure.instances.some(
      (i) => i.form === 'LES' && i.instance === instance && i.state === 'entered_in_error',
    );
  const enteredInError = view.state === 'entered_in_error' || lesionWithdrawn;
  // Frozen or locked by data management: read-only on every device (the server refuses anyway).
  const lock = useLock(form, instance);
  const readOnly = !canWrite || enteredInError || lock !== undefined;
  const lesionKeys = structure.lesionKeys;
  const around = perLesion ? neighbours(lesionKeys, instance) : {};

  return (
    <div className={perLesion ? 'form-layout with-panel' : 'form-layout'}>
      <div className="form-column">
        <h1 id={titleId} ref={heading} tabIndex={-1}>
          {name}
        </h1>
        <p className="form-status">
          <FormStatusBadge
            status={status?.status}
            errors={status?.errors ?? 0}
            enteredInError={enteredInError}
          />
          {status && status.missing.length > 0 && !enteredInError && (
            <span className="muted">
              {' '}
              {t('form.missing', {
                count: status.missing.length,
                list: status.missing
                  .slice(0, 6)
                  .map(
                    (p) =>
                      tx(fieldLabel(form, p.split('.')[0] as string)) +
                      (p.includes('.') ? ` (${p.split('.')[1]})` : ''),
                  )
                  .join(', '),
              })}
              {status.missing.length > 6 ? ' …' : ''}
            </span>
          )}
        </p>
        {perLesion && (
          <nav className="lesion-nav" aria-label={t('form.lesionNav', { lesion: instance })}>
            <ul className="lesion-nav-list">
              {LESION_FORMS.map((f) => (
                <li key={f}>
                  <Link
                    to={formPath(subjectId, f, instance)}
                    aria-current={f === form ? 'page' : undefined}
                  >
                    {label(f, instance)}
                  </Link>
                </li>
              ))}
              {around.prev && (
                <li>
                  <Link to={formPath(subjectId, form, around.prev)}>
                    {t('form.prevLesion', { lesion: around.prev })}
                  </Link>
                </li>
              )}
              {around.next && (
                <li>
                  <Link to={formPath(subjectId, form, around.next)}>
                    {t('form.nextLesion', { lesion: around.next })}
                  </Link>
                </li>
              )}
            </ul>
          </nav>
        )}
        {enteredInError && (
          <p className="banner banner-warn" role="note">
            {t('form.enteredInError', { name })}
          </p>
        )}
        <LockBanner lock={lock} what={name} />
        {form === 'LES' && !unavailable && <LiveClass lesion={instance} />}
        {unavailable ? (
          <p className="muted" data-testid="unavailable">
            {unavailable}
          </p>
        ) : (
          <CrfForm form={form} instance={instance} readOnly={readOnly} labelledBy={titleId} />
        )}
        {canWrite &&
          !enteredInError &&
          !lock &&
          view.exists &&
          (form === 'LES' || form === 'IOLES' || form === 'PATH' || form === 'FU') && (
            <InstanceActions
              form={form}
              instance={instance}
              name={form === 'LES' ? t('instance.lesion', { lesion: instance }) : name}
            />
          )}
        {!unavailable && (
          <div className="review-row">
            <ReviewQueries form={form} instance={instance} what={name} />
            <SdvControls form={form} instance={instance} />
            <LockControls form={form} instance={instance} what={name} />
          </div>
        )}
      </div>
      {perLesion && <DerivedPanel current={instance} />}
    </div>
  );
}

/** The lesion's class in one line, announced politely when it changes. */
function LiveClass({ lesion }: { lesion: string }) {
  const { t } = useTranslation();
  const classText = useClassText();
  const c = useDerived(
    (d) => d.subject.lesions.find((l) => l.lesion === lesion)?.classification,
    jsonEqual,
    lesion,
  );
  return (
    <p className="live-class" aria-live="polite" data-testid="live-class">
      {c ? t('form.liveClass', { lesion, cls: classText(c) }) : null}
    </p>
  );
}
