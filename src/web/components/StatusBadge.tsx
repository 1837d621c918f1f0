import { useTranslation } from 'react-i18next';
import type { CriterionStatus } from '#schemas/rules/criteria';
import type { FormStatus } from '#schemas/rules/form-status';

/** A form's completion status, in words (the colour only repeats them). */
export function FormStatusBadge({
  status,
  enteredInError = false,
  errors = 0,
}: {
  status: FormStatus | undefined;
  enteredInError?: boolean;
  errors?: number;
}) {
  const { t } = useTranslation();
  if (enteredInError)
    return <span className="badge badge-eie">{t('status.entered_in_error')}</span>;
  const s = status ?? 'not_started';
  return (
    <span className={`badge badge-${s}`} data-status={s}>
      {t(`status.${s}`)}
      {errors > 0 && ` · ${t('status.errors', { count: errors })}`}
    </span>
  );
}

/** Met / not met / unknown, as text with an icon that is only decoration. */
export function CriterionBadge({ status }: { status: CriterionStatus }) {
  const { t } = useTranslation();
  const icon = status === 'met' ? '✓' : status === 'not_met' ? '✗' : '?';
  return (
    <span className={`badge badge-criterion-${status}`} data-status={status}>
      <span aria-hidden="true">{icon} </span>
      {t(`criterion.${status}`)}
    </span>
  );
}

/** The subject label, with "provisional" until the server assigned the definitive one. */
export function SubjectLabel({ text, provisional }: { text: string; provisional: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="subject-label">
      <span data-testid="subject-label">{text}</span>
      {provisional && (
        <span className="badge badge-provisional" title={t('subjects.provisionalHelp')}>
          {t('subjects.provisional')}
        </span>
      )}
    </span>
  );
}
