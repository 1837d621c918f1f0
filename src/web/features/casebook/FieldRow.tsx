import { memo, type ReactNode, useId, useRef, useState } from 'react';
import { useController, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { codeLabel } from '#schemas/study/codelists';
import { conditionFields, evaluateCondition } from '#schemas/study/conditions';
import { getField } from '#schemas/study/definition';
import type { AnyField, Point } from '#schemas/study/fields';
import type { FormKey } from '#schemas/study/keys';
import {
  CodeCheckboxes,
  CodeRadios,
  CodeSelect,
  type ControlProps,
  MAX_RADIOS,
  TextLikeInput,
} from '../../components/fields/controls';
import { formatInput } from '../../components/fields/input';
import { ReasonForChange } from '../../components/fields/ReasonForChange';
import { LiverTemplate } from '../../components/LiverTemplate';
import type { Marker } from '../../components/liver-geometry';
import { useTx } from '../../i18n/tx';
import { FieldReview } from '../review/FieldReview';
import {
  arraysEqual,
  jsonEqual,
  useCasebookStore,
  useDerived,
  useFieldStatus,
} from './store-context';

export interface FieldRowProps {
  readonly form: FormKey;
  readonly instance: string;
  readonly field: AnyField;
  /** `key`, or `key.L3` for one lesion's entry of a per-lesion field. */
  readonly path: string;
  readonly lesion?: string | undefined;
  readonly readOnly: boolean;
  /** For a per-lesion entry: whether the form asks it (the lesion is left in place). */
  readonly asked?: boolean | undefined;
}

function depsOf(field: AnyField): string[] {
  const deps = new Set<string>();
  if (field.showIf) for (const d of conditionFields(field.showIf)) deps.add(d);
  if (field.requiredIf) for (const d of conditionFields(field.requiredIf)) deps.add(d);
  return [...deps];
}

/**
 * One field: shown or hidden live by its branching condition (a hidden field keeps its
 * value and is not required — crf-spec.md, schemas/rules form-status), and when shown its
 * control with every message that concerns it.
 */
export const FieldRow = memo(function FieldRow(props: FieldRowProps) {
  const { field, lesion } = props;
  const deps = useRef(depsOf(field)).current;
  const watched = useWatch({ name: deps, disabled: deps.length === 0 }) as unknown[];
  const values: Record<string, unknown> = {};
  deps.forEach((d, i) => {
    values[d] = watched?.[i];
  });
  if (field.showIf && !evaluateCondition(field.showIf, values, lesion))
    return <HiddenAnswer {...props} />;
  const required =
    field.required &&
    (props.asked ?? true) &&
    (field.requiredIf === undefined || evaluateCondition(field.requiredIf, values, lesion));
  return <FieldControl {...props} required={required} />;
});

const NO_WARNINGS: readonly string[] = [];

function useWarnings(form: FormKey, instance: string, path: string): readonly string[] {
  return useDerived(
    (d) => {
      const out = d.softChecks
        .filter((f) => f.form === form && f.instance === instance && f.path === path)
        .map((f) => f.message);
      return out.length ? out : NO_WARNINGS;
    },
    arraysEqual,
    `${form}|${instance}|${path}`,
  );
}

/**
 * A field its condition no longer asks keeps its answer (branching hides, it does not
 * delete); the answer stays visible here, with its checks, and can be cleared.
 */
function HiddenAnswer(props: FieldRowProps) {
  const { t } = useTranslation();
  const tx = useTx();
  const store = useCasebookStore();
  const { form, instance, field, path } = props;
  const { field: rhf } = useController({ name: path });
  const warnings = useWarnings(form, instance, path);
  const value = rhf.value as unknown;
  if (value === undefined || value === null || value === '') return null;
  let text: string;
  if (field.type === 'code') text = tx(codeLabel(field.codeList, String(value)));
  else if (field.type === 'multi' && Array.isArray(value))
    text = value.map((c) => tx(codeLabel(field.codeList, String(c)))).join(', ');
  else text = formatInput(field, value);
  const label = props.lesion ? `${tx(field.label)} — ${props.lesion}` : tx(field.label);
  return (
    <div className="field hidden-answer" data-path={path} data-hidden="true">
      <p>
        {t('form.hiddenAnswer', { label, value: text })}{' '}
        {!props.readOnly && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              rhf.onChange(null);
              store.setField(form, instance, path, null, crypto.randomUUID());
            }}
          >
            {t('form.clear')}
            <span className="sr-only"> {label}</span>
          </button>
        )}
      </p>
      {warnings.length > 0 && (
        <ul className="field-warning">
          {warnings.map((w) => (
            <li key={w}>
              <span aria-hidden="true">⚠ </span>
              <span className="sr-only">{t('form.softCheck')}: </span>
              {tx(w)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function FieldControl(props: FieldRowProps & { required: boolean }) {
  const { t } = useTranslation();
  const tx = useTx();
  const store = useCasebookStore();
  const { form, instance, field, path, readOnly } = props;
  const { field: rhf, fieldState } = useController({ name: path });
  const status = useFieldStatus(form, instance, path);
  const warnings = useWarnings(form, instance, path);
  const session = useRef<string | undefined>(undefined);
  const [focused, setFocused] = useState(false);
  const id = useId();

  const label = props.lesion ? `${tx(field.label)} — ${props.lesion}` : tx(field.label);
  const labelNode: ReactNode = (
    <>
      {label}
      {props.required && (
        <span className="req" aria-hidden="true">
          {' '}
          *
        </span>
      )}
    </>
  );

  const isTemplate = field.key === 'segment' && getField(form, 'template_xy') !== undefined;
  if (readOnly && !isTemplate) return <ReadOnlyField {...props} label={label} value={rhf.value} />;

  const onValue = (value: unknown) => {
    rhf.onChange(value);
    session.current ??= crypto.randomUUID();
    store.setField(form, instance, path, value, session.current);
  };
  const onFocus = () => {
    session.current = crypto.randomUUID();
    setFocused(true);
  };
  const onBlur = () => {
    rhf.onBlur();
    session.current = undefined;
    setFocused(false);
    store.flush().catch(() => undefined);
  };

  // The hard-check message, as soon as a value breaks the rule — except for a date still
  // being typed ("07-MA" is not wrong yet, just unfinished): that one waits for the blur.
  const error =
    focused && field.type === 'date'
      ? undefined
      : (fieldState.error?.message ?? status.draft?.message);
  const hint =
    field.type === 'date'
      ? t('form.dateHint')
      : field.type === 'integer_list'
        ? t('form.listHint')
        : undefined;
  const codeHelp =
    field.type === 'code' ? field.codeList.items.filter((i) => i.help !== undefined) : [];
  const ids = {
    help: field.help || hint || codeHelp.length ? `${id}-help` : undefined,
    error: error ? `${id}-error` : undefined,
    warn: warnings.length ? `${id}-warn` : undefined,
    rejected: status.rejected ? `${id}-rejected` : undefined,
    reason: status.needsReason?.length ? `${id}-reason` : undefined,
  };
  const describedBy =
    [ids.error, ids.rejected, ids.reason, ids.warn, ids.help].filter(Boolean).join(' ') ||
    undefined;
  const control: ControlProps = {
    id: `${id}-input`,
    field,
    label: labelNode,
    value: rhf.value,
    onValue,
    onFocus,
    onBlur,
    describedBy,
    invalid: Boolean(error || status.rejected),
    required: props.required,
    readOnly,
  };

  return (
    <div className={`field field-${field.type}`} data-path={path} data-field={field.key}>
      <Control {...control} form={form} instance={instance} path={path} />
      {ids.help && (
        <div id={ids.help} className="hint">
          {(field.help || hint) && (
            <p>
              {field.help ? tx(field.help) : null}
              {field.help && hint ? ' ' : null}
              {hint}
            </p>
          )}
          {codeHelp.length > 0 && (
            <ul className="code-help">
              {codeHelp.map((i) => (
                <li key={i.code}>
                  <strong>{tx(i.label)}:</strong> {tx(i.help ?? '')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && (
        <p id={ids.error} className="field-error">
          {tx(error)}
        </p>
      )}
      {status.rejected && (
        <p id={ids.rejected} className="field-error" data-testid="rejected">
          {t('form.rejected', { message: tx(status.rejected.message) })}
        </p>
      )}
      {warnings.length > 0 && (
        <ul id={ids.warn} className="field-warning">
          {warnings.map((w) => (
            <li key={w}>
              <span aria-hidden="true">⚠ </span>
              <span className="sr-only">{t('form.softCheck')}: </span>
              {tx(w)}
            </li>
          ))}
        </ul>
      )}
      {ids.reason && (
        <ReasonForChange
          id={ids.reason}
          fieldLabel={label}
          onReason={(reason) => store.giveReason(form, instance, path, reason)}
        />
      )}
      {status.conflicts > 0 && (
        <p className="conflict-marker">
          <span aria-hidden="true">⇄ </span>
          <Link to={`/subjects/${store.subjectId}/conflicts`}>{t('conflicts.open')}</Link>
        </p>
      )}
      {status.synced && (
        <Link
          className="field-history"
          to={`/subjects/${store.subjectId}/audit?${new URLSearchParams({ form, instance, path })}`}
          aria-label={t('audit.historyOf', { field: label })}
        >
          {t('audit.history')}
        </Link>
      )}
      {status.unsent && !status.rejected && !ids.reason && (
        <span className="unsynced-dot" title={t('form.unsynced')}>
          <span className="sr-only">{t('form.unsynced')}</span>
        </span>
      )}
      <FieldReview
        form={form}
        instance={instance}
        path={path}
        label={label}
        synced={status.synced}
      />
    </div>
  );
}

function Control(props: ControlProps & { form: FormKey; instance: string; path: string }) {
  const { field } = props;
  if (field.key === 'segment' && getField(props.form, 'template_xy'))
    return <SegmentPicker {...props} />;
  switch (field.type) {
    case 'code':
      return field.codeList.items.length <= MAX_RADIOS ? (
        <CodeRadios {...props} codeList={field.codeList} />
      ) : (
        <CodeSelect {...props} codeList={field.codeList} />
      );
    case 'multi':
      return <CodeCheckboxes {...props} codeList={field.codeList} />;
    case 'point':
      return <PointControl {...props} />;
    default:
      return <TextLikeInput {...props} />;
  }
}

/**
 * The segment of a lesion (LES) or specimen (PATH), picked on the liver template; a click
 * also places the point (`template_xy`). Every lesion of the patient is drawn.
 */
function SegmentPicker(props: ControlProps & { form: FormKey; instance: string }) {
  const { t } = useTranslation();
  const store = useCasebookStore();
  const { field: pointField } = useController({ name: 'template_xy' });
  const labelId = `${props.id}-label`;
  const markers = useDerived(
    (d) => {
      const out: Marker[] = [];
      for (const l of d.casebook.lesions) {
        const v = props.form === 'PATH' ? l.PATH?.values : l.LES?.values;
        if (!v) continue;
        const cls = d.subject.lesions.find((x) => x.lesion === l.lesion)?.classification.class;
        const m: { -readonly [K in keyof Marker]: Marker[K] } = {
          lesion: l.lesion,
          cls: cls ?? 'new_or_unknown',
        };
        if (v.segment) m.segment = v.segment;
        if (v.template_xy) m.point = v.template_xy;
        out.push(m);
      }
      return out;
    },
    jsonEqual,
    props.form,
  );
  const session = useRef<string | undefined>(undefined);
  return (
    <>
      <span id={labelId} className="label">
        {props.label}
      </span>
      <LiverTemplate
        title={t('template.pickTitle')}
        labelledBy={labelId}
        describedBy={props.describedBy}
        segment={typeof props.value === 'string' ? props.value : undefined}
        point={pointField.value as Point | undefined}
        markers={markers}
        current={props.instance}
        invalid={props.invalid}
        readOnly={props.readOnly}
        onFocus={props.onFocus}
        onBlur={props.onBlur}
        onPick={(segment, point) => {
          props.onValue(segment);
          session.current ??= crypto.randomUUID();
          pointField.onChange(point);
          store.setField(props.form, props.instance, 'template_xy', point, session.current);
        }}
      />
    </>
  );
}

/** The point placed on the template (set by clicking the map), with a way to remove it. */
function PointControl(props: ControlProps) {
  const { t } = useTranslation();
  const p = props.value as Point | null | undefined;
  return (
    <div className="point-control">
      <span className="label">{props.label}</span>
      <span>
        {p ? t('template.point', { x: p.x.toFixed(2), y: p.y.toFixed(2) }) : t('template.noPoint')}
      </span>
      {p && !props.readOnly && (
        <button type="button" className="link-button" onClick={() => props.onValue(null)}>
          {t('template.removePoint')}
        </button>
      )}
    </div>
  );
}

function ReadOnlyField(props: FieldRowProps & { label: string; value: unknown }) {
  const { t } = useTranslation();
  const tx = useTx();
  const { field, value } = props;
  const status = useFieldStatus(props.form, props.instance, props.path);
  let text: string;
  if (value === undefined || value === null || value === '') text = t('form.notAnsweredShort');
  else if (field.type === 'code') text = tx(codeLabel(field.codeList, String(value)));
  else if (field.type === 'multi' && Array.isArray(value))
    text = value.map((c) => tx(codeLabel(field.codeList, String(c)))).join(', ');
  else if (field.type === 'point') {
    const p = value as Point;
    text = t('template.point', { x: p.x.toFixed(2), y: p.y.toFixed(2) });
  } else text = formatInput(field, value);
  const unit =
    field.unit && field.type !== 'date' && !props.label.includes(field.unit)
      ? ` ${field.unit}`
      : '';
  return (
    <div className="field ro" data-path={props.path} data-field={field.key}>
      <span className="ro-label">{props.label}</span>
      <span className="ro-value">
        {text}
        {text !== t('form.notAnsweredShort') && unit}
      </span>
      <FieldReview
        form={props.form}
        instance={props.instance}
        path={props.path}
        label={props.label}
        synced={status.synced}
      />
    </div>
  );
}
