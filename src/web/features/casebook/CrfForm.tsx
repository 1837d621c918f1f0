import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useId, useState } from 'react';
import {
  FormProvider,
  type Resolver,
  type UseFormReturn,
  useForm,
  useWatch,
} from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { leftInPlaceLesions } from '#schemas/rules/casebook';
import { FORMS } from '#schemas/study/definition';
import type { AnyField } from '#schemas/study/fields';
import type { FormKey } from '#schemas/study/keys';
import { getAtPath } from '#schemas/study/paths';
import { formStoreSchema } from '#schemas/study/schemas';
import { sameValue } from '../../components/fields/input';
import { useTx } from '../../i18n/tx';
import type { CasebookStore } from '../../offline/casebook-store';
import { FieldRow } from './FieldRow';
import { followUpLesions } from './model';
import { arraysEqual, useCasebookStore, useDerived } from './store-context';

type Values = Record<string, unknown>;

/**
 * One form instance, rendered from its definition: one react-hook-form instance validated
 * by the definition's zod store schema (the very checks the server runs), every change
 * handed to the casebook store (which autosaves it). No Save button: nothing typed needs
 * one to be kept.
 */
export function CrfForm({
  form,
  instance,
  readOnly,
  labelledBy,
}: {
  form: FormKey;
  instance: string;
  readOnly: boolean;
  labelledBy: string;
}) {
  const store = useCasebookStore();
  const [initial] = useState<Values>(() => structuredClone(store.instance(form, instance).values));
  const today = store.today();
  const methods = useForm<Values>({
    defaultValues: initial,
    resolver: zodResolver(formStoreSchema(form, { today })) as unknown as Resolver<Values>,
    // Checked on every change: a message that appears only on blur moves the page under
    // the pointer just as the user clicks the next answer.
    mode: 'onChange',
    reValidateMode: 'onChange',
    shouldUnregister: false,
  });
  useFollowStore(store, methods, form, instance);
  const fields = FORMS[form].fields as readonly AnyField[];
  return (
    <FormProvider {...methods}>
      <form
        noValidate
        className="crf-form"
        aria-labelledby={labelledBy}
        onSubmit={(e) => e.preventDefault()}
      >
        {fields.map((f) => {
          if (f.assigned) return null;
          if (f.perLesion !== undefined) {
            // Per-lesion fields are asked together, lesion by lesion, where the first one is.
            if (f !== fields.find((x) => x.perLesion !== undefined)) return null;
            return (
              <PerLesionFields
                key={f.key}
                form={form}
                instance={instance}
                fields={fields.filter((x) => x.perLesion !== undefined)}
                readOnly={readOnly}
              />
            );
          }
          return (
            <FieldRow
              key={f.key}
              form={form}
              instance={instance}
              field={f}
              path={f.key}
              readOnly={readOnly}
            />
          );
        })}
      </form>
    </FormProvider>
  );
}

/**
 * FU: the site-recurrence question (and its date) once per lesion left in place at surgery
 * (per IOLES), plus any lesion already answered, so that no stored answer is hidden.
 */
function PerLesionFields({
  form,
  instance,
  fields,
  readOnly,
}: {
  form: FormKey;
  instance: string;
  fields: readonly AnyField[];
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const tx = useTx();
  const id = useId();
  const first = fields[0] as AnyField;
  const leftInPlace = useDerived((d) => leftInPlaceLesions(d.casebook), arraysEqual);
  const answered = useWatch({ name: first.key }) as Record<string, unknown> | undefined;
  const lesions = followUpLesions(leftInPlace, answered);
  return (
    <fieldset className="per-lesion" aria-labelledby={id}>
      <legend id={id}>{tx(first.label)}</legend>
      {first.help && <p className="hint">{tx(first.help)}</p>}
      {lesions.length === 0 && <p className="muted">{t('form.noLeftInPlace')}</p>}
      {lesions.map((l) => {
        const asked = leftInPlace.includes(l);
        return (
          <div key={l} className="lesion-block" data-lesion={l}>
            <h3 className="lesion-block-title">
              {t('form.lesionHeading', { lesion: l })}
              {!asked && <span className="muted"> {t('form.notLeftInPlace')}</span>}
            </h3>
            {fields.map((f) => (
              <FieldRow
                key={f.key}
                form={form}
                instance={instance}
                field={f}
                path={`${f.key}.${l}`}
                lesion={l}
                asked={asked}
                readOnly={readOnly}
              />
            ))}
          </div>
        );
      })}
    </fieldset>
  );
}

/**
 * Brings values written elsewhere (another tab, the sync engine, a resolved conflict) into
 * the form, the focused field included: a field that merely has the focus (a tab left with
 * the cursor in it) must not hide a value saved meanwhile. Typing is not disturbed by it: a
 * text box shows what the user types until they leave it (TextLikeInput), and the store
 * keeps their unsaved edit over the database's value.
 */
function useFollowStore(
  store: CasebookStore,
  methods: UseFormReturn<Values>,
  form: FormKey,
  instance: string,
) {
  useEffect(() => {
    let last = store.instance(form, instance);
    const fields = FORMS[form].fields as readonly AnyField[];
    return store.subscribe(() => {
      const view = store.instance(form, instance);
      if (view === last) return;
      last = view;
      const follow = (path: string) => {
        const next = getAtPath(view.values, path);
        if (sameValue(next, methods.getValues(path))) return;
        methods.setValue(path, next ?? null, {
          shouldDirty: false,
          shouldValidate: methods.getFieldState(path).isTouched,
        });
      };
      for (const f of fields) {
        if (f.perLesion === undefined) {
          follow(f.key);
          continue;
        }
        const mine = methods.getValues(f.key) as Record<string, unknown> | undefined;
        const theirs = view.values[f.key] as Record<string, unknown> | undefined;
        for (const lesion of new Set([...Object.keys(mine ?? {}), ...Object.keys(theirs ?? {})]))
          follow(`${f.key}.${lesion}`);
      }
    });
  }, [store, methods, form, instance]);
}
