import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CodeList } from '#schemas/study/codelists';
import type { AnyField } from '#schemas/study/fields';
import { useTx } from '../../i18n/tx';
import { formatInput, parseInput } from './input';

/**
 * Form controls of the CRF, thin and stateless about data: each shows a value and reports
 * the new one. Parsing lives in features/casebook/input.ts; validation in schemas/.
 */

export interface ControlProps {
  readonly id: string;
  readonly field: AnyField;
  /** The visible label (already translated), used by group controls as their legend. */
  readonly label: ReactNode;
  readonly value: unknown;
  readonly onValue: (value: unknown) => void;
  readonly onFocus?: (() => void) | undefined;
  readonly onBlur?: (() => void) | undefined;
  readonly describedBy?: string | undefined;
  readonly invalid?: boolean | undefined;
  readonly required?: boolean | undefined;
  readonly readOnly?: boolean | undefined;
}

/** Codes of up to this many answers are radio buttons; longer lists a select. */
export const MAX_RADIOS = 5;

/**
 * A text box for dates (`07-MAR-2019`), numbers, b-value lists and text. While focused it
 * shows exactly what is typed; otherwise the stored value, formatted.
 */
export function TextLikeInput(props: ControlProps) {
  const { t } = useTranslation();
  const { field, value } = props;
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const shown = editing ?? formatInput(field, value);
  const numeric = field.type === 'integer' || field.type === 'number';
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="text"
        value={shown}
        inputMode={numeric ? (field.type === 'integer' ? 'numeric' : 'decimal') : undefined}
        autoComplete="off"
        spellCheck={field.type === 'text' ? undefined : false}
        placeholder={field.type === 'date' ? t('form.datePlaceholder') : undefined}
        readOnly={props.readOnly}
        aria-invalid={props.invalid || undefined}
        aria-required={props.required || undefined}
        aria-describedby={props.describedBy}
        maxLength={field.type === 'text' ? field.maxLength : 200}
        className={`input-${field.type}`}
        // The text typed is kept as typed until the blur; before the first keystroke the box
        // shows the current value, which another tab or a sync may change meanwhile.
        onFocus={() => props.onFocus?.()}
        onChange={(e) => {
          setEditing(e.target.value);
          props.onValue(parseInput(field, e.target.value));
        }}
        onBlur={() => {
          setEditing(undefined);
          props.onBlur?.();
        }}
      />
    </>
  );
}

/** A code list as radio buttons in a labelled group, with a way back to "not answered". */
export function CodeRadios(props: ControlProps & { readonly codeList: CodeList }) {
  const { t } = useTranslation();
  const tx = useTx();
  return (
    <ChoiceGroup {...props} className="radios">
      {props.codeList.items.map((item) => (
        <label key={item.code} className="option">
          <input
            type="radio"
            name={props.id}
            value={item.code}
            checked={props.value === item.code}
            required={props.required}
            aria-invalid={props.invalid || undefined}
            disabled={props.readOnly && props.value !== item.code}
            onChange={() => {
              if (!props.readOnly) props.onValue(item.code);
            }}
          />
          {tx(item.label)}
        </label>
      ))}
      {!props.readOnly && props.value !== undefined && props.value !== null && (
        <button type="button" className="link-button" onClick={() => props.onValue(null)}>
          {t('form.clear')}
          <span className="sr-only"> {props.label}</span>
        </button>
      )}
    </ChoiceGroup>
  );
}

export function CodeSelect(props: ControlProps & { readonly codeList: CodeList }) {
  const { t } = useTranslation();
  const tx = useTx();
  const value = typeof props.value === 'string' ? props.value : '';
  const known = props.codeList.items.some((i) => i.code === value);
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={value}
        disabled={props.readOnly}
        aria-invalid={props.invalid || undefined}
        aria-required={props.required || undefined}
        aria-describedby={props.describedBy}
        onFocus={props.onFocus}
        onBlur={props.onBlur}
        onChange={(e) => props.onValue(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">{t('form.notAnswered')}</option>
        {!known && value !== '' && <option value={value}>{value}</option>}
        {props.codeList.items.map((i) => (
          <option key={i.code} value={i.code}>
            {tx(i.label)}
          </option>
        ))}
      </select>
    </>
  );
}

/** A multi-select code list as check boxes; the stored list keeps the code-list order. */
export function CodeCheckboxes(props: ControlProps & { readonly codeList: CodeList }) {
  const tx = useTx();
  const selected = new Set(Array.isArray(props.value) ? (props.value as string[]) : []);
  const toggle = (code: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(code);
    else next.delete(code);
    const list = props.codeList.items.map((i) => i.code).filter((c) => next.has(c));
    props.onValue(list.length ? list : null);
  };
  return (
    <ChoiceGroup {...props} className="checks">
      {props.codeList.items.map((item) => (
        <label key={item.code} className="option">
          <input
            type="checkbox"
            value={item.code}
            checked={selected.has(item.code)}
            disabled={props.readOnly}
            aria-invalid={props.invalid || undefined}
            onChange={(e) => toggle(item.code, e.target.checked)}
          />
          {tx(item.label)}
        </label>
      ))}
    </ChoiceGroup>
  );
}

/**
 * A labelled group of options (radios or check boxes). Focus and blur are reported for the
 * group as a whole: moving between its options is not leaving the field.
 */
function ChoiceGroup(
  props: ControlProps & { readonly className: string; readonly children: ReactNode },
) {
  const legendId = `${props.id}-legend`;
  return (
    <fieldset
      className={props.className}
      aria-labelledby={legendId}
      aria-describedby={props.describedBy}
      onFocus={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) props.onFocus?.();
      }}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) props.onBlur?.();
      }}
    >
      <legend id={legendId}>{props.label}</legend>
      <div className="radio-options">{props.children}</div>
    </fieldset>
  );
}
