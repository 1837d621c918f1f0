import { describeHardChecks, ruleText } from '../study/checks';
import type { CodeList } from '../study/codelists';
import { conditionToString, not } from '../study/conditions';
import { STUDY } from '../study/definition';
import type { AnyField } from '../study/fields';
import type { FormKey } from '../study/keys';
import { type LayoutGroup, odmEvents } from './layout';
import { codeListOid, conditionOid, itemOid, metaDataVersionOid, STUDY_OID, unitOid } from './oids';
import { odmDataType } from './values';
import { el, textEl, translated, type XmlNode } from './xml-node';

/**
 * The `Study` element — GlobalVariables, BasicDefinitions and the MetaDataVersion — generated
 * from the definition in schemas/study, never written by hand. See layout.ts for how forms
 * map onto events, forms and item groups, and values.ts for the value encodings.
 *
 * Branching: a field shown only while `showIf` holds gets an ItemRef
 * `CollectionExceptionConditionOID` naming a ConditionDef that is true when the item is
 * **not** collected — ODM's exception semantics — so the ConditionDef is `NOT (showIf)`, its
 * description the readable condition, and a FormalExpression (context `DREAM-condition`)
 * the condition as JSON for machines.
 */

const PROTOCOL_NAME = 'DREAM (NCT02781935)';
const CONDITION_CONTEXT = 'DREAM-condition';
const ENCODING_CONTEXT = 'DREAM-encoding';

const ENCODINGS: Partial<Record<AnyField['type'], string>> = {
  multi: 'codes in answer order, comma-separated',
  integer_list: 'whole numbers in answer order, comma-separated',
  point: 'x,y on the liver template, both in 0–1, decimal notation',
};

/** The measurement units of the definition, each once, in field order. */
export function measurementUnits(): string[] {
  const out = new Set<string>();
  for (const form of STUDY.forms) for (const f of form.fields) if (f.unit) out.add(f.unit);
  return [...out];
}

function yesNo(b: boolean): 'Yes' | 'No' {
  return b ? 'Yes' : 'No';
}

function itemDescription(form: FormKey, field: AnyField): string {
  const parts: string[] = [];
  if (field.help) parts.push(field.help);
  if (field.perLesion === 'left_in_place')
    parts.push('One entry per lesion left in place at surgery (IOLES management = left_in_place).');
  if (field.required && field.requiredIf)
    parts.push(`Required if ${conditionToString(field.requiredIf)}.`);
  if (field.assigned) parts.push('Assigned by the application.');
  const encoding = ENCODINGS[field.type];
  if (encoding) parts.push(`Value: ${encoding}.`);
  parts.push(`Hard checks: ${describeHardChecks(field).join('; ')}.`);
  parts.push(`Field ${form}.${field.key}.`);
  return parts.join(' ');
}

function lengthOf(field: AnyField): string | undefined {
  switch (field.type) {
    case 'text':
      return String(field.maxLength);
    case 'code':
      return String(Math.max(...field.codeList.items.map((i) => i.code.length)));
    case 'integer':
      return field.max === undefined
        ? undefined
        : String(Math.max(String(field.max).length, String(field.min ?? 0).length));
    default:
      return undefined;
  }
}

function rangeChecks(field: AnyField): XmlNode[] {
  if (field.type !== 'integer' && field.type !== 'number') return [];
  const message = translated('ErrorMessage', `${field.label}: must be ${ruleText(field)}`);
  const unit = field.unit
    ? [el('MeasurementUnitRef', { MeasurementUnitOID: unitOid(field.unit) })]
    : [];
  const check = (comparator: 'GE' | 'LE', value: number) =>
    el('RangeCheck', { Comparator: comparator, SoftHard: 'Hard' }, [
      textEl('CheckValue', String(value)),
      ...unit,
      message,
    ]);
  const out: XmlNode[] = [];
  if (field.min !== undefined) out.push(check('GE', field.min));
  if (field.max !== undefined) out.push(check('LE', field.max));
  return out;
}

function itemDef(form: FormKey, field: AnyField, oid: string): XmlNode {
  const children: XmlNode[] = [
    translated('Description', itemDescription(form, field)),
    translated('Question', field.label),
  ];
  if (field.unit)
    children.push(el('MeasurementUnitRef', { MeasurementUnitOID: unitOid(field.unit) }));
  children.push(...rangeChecks(field));
  if (field.type === 'code' || field.type === 'multi')
    children.push(el('CodeListRef', { CodeListOID: codeListOid(field.codeList.id) }));
  const encoding = ENCODINGS[field.type];
  if (encoding) children.push(el('Alias', { Context: ENCODING_CONTEXT, Name: field.type }));
  return el(
    'ItemDef',
    { OID: oid, Name: field.key, DataType: odmDataType(field), Length: lengthOf(field) },
    children,
  );
}

function itemGroupDef(group: LayoutGroup): XmlNode {
  return el(
    'ItemGroupDef',
    { OID: group.oid, Name: group.name, Repeating: yesNo(group.perLesion) },
    [
      ...(group.perLesion
        ? [
            translated(
              'Description',
              'Repeats once per lesion, keyed by its lesion number (L1, L2 …).',
            ),
          ]
        : []),
      ...group.fields.map((f, i) =>
        el('ItemRef', {
          ItemOID: itemOid(group.form, f.key),
          OrderNumber: String(i + 1),
          Mandatory: yesNo(f.required && f.requiredIf === undefined),
          CollectionExceptionConditionOID: f.showIf ? conditionOid(group.form, f.key) : undefined,
        }),
      ),
    ],
  );
}

function codeListDef(list: CodeList): XmlNode {
  return el('CodeList', { OID: codeListOid(list.id), Name: list.label, DataType: 'text' }, [
    ...list.items.map((item, i) =>
      el('CodeListItem', { CodedValue: item.code, OrderNumber: String(i + 1) }, [
        translated('Decode', item.label),
      ]),
    ),
  ]);
}

function conditionDefs(): XmlNode[] {
  const out: XmlNode[] = [];
  for (const form of STUDY.forms)
    for (const f of form.fields) {
      if (!f.showIf) continue;
      const exception = not(f.showIf);
      out.push(
        el(
          'ConditionDef',
          { OID: conditionOid(form.key, f.key), Name: `${form.key}.${f.key} not collected` },
          [
            translated(
              'Description',
              `${conditionToString(exception)}: the item is collected only if ${conditionToString(f.showIf)}`,
            ),
            textEl('FormalExpression', JSON.stringify(exception), { Context: CONDITION_CONTEXT }),
          ],
        ),
      );
    }
  return out;
}

function metaDataVersion(): XmlNode {
  const events = odmEvents();
  const protocol = el('Protocol', undefined, [
    translated('Description', STUDY.description),
    ...events.map((e, i) =>
      el('StudyEventRef', {
        StudyEventOID: e.oid,
        OrderNumber: String(i + 1),
        Mandatory: yesNo(i === 0),
      }),
    ),
  ]);
  const eventDefs = events.map((e) =>
    el(
      'StudyEventDef',
      { OID: e.oid, Name: e.def.label, Repeating: yesNo(e.repeating), Type: 'Scheduled' },
      [
        ...(e.repeating
          ? [
              translated(
                'Description',
                'Repeats once per visit, keyed by its visit number (FU1, FU2 …).',
              ),
            ]
          : []),
        ...e.forms.map((f, i) =>
          el('FormRef', {
            FormOID: f.oid,
            OrderNumber: String(i + 1),
            Mandatory: yesNo(f.def.key === 'REG'),
          }),
        ),
      ],
    ),
  );
  const forms = events.flatMap((e) => e.forms);
  const formDefs = forms.map((f) =>
    el('FormDef', { OID: f.oid, Name: f.def.label, Repeating: yesNo(f.repeating) }, [
      ...(f.def.help ? [translated('Description', f.def.help)] : []),
      ...f.groups.map((g, i) =>
        el('ItemGroupRef', {
          ItemGroupOID: g.oid,
          OrderNumber: String(i + 1),
          Mandatory: yesNo(i === 0),
        }),
      ),
    ]),
  );
  const groups = forms.flatMap((f) => f.groups);
  const itemDefs = groups.flatMap((g) =>
    g.fields.map((f) => itemDef(g.form, f, itemOid(g.form, f.key))),
  );
  return el(
    'MetaDataVersion',
    {
      OID: metaDataVersionOid(),
      Name: `DREAM CRF definition version ${STUDY.version}`,
      Description: 'Generated from the DREAM eCRF definition (schemas/study).',
    },
    [
      protocol,
      ...eventDefs,
      ...formDefs,
      ...groups.map(itemGroupDef),
      ...itemDefs,
      ...STUDY.codeLists.map(codeListDef),
      ...conditionDefs(),
    ],
  );
}

let cached: XmlNode | undefined;

/** The whole `Study` element (computed once: the definition does not change at run time). */
export function studyElement(): XmlNode {
  cached ??= el('Study', { OID: STUDY_OID }, [
    el('GlobalVariables', undefined, [
      textEl('StudyName', STUDY.name),
      textEl('StudyDescription', STUDY.description),
      textEl('ProtocolName', PROTOCOL_NAME),
    ]),
    el(
      'BasicDefinitions',
      undefined,
      measurementUnits().map((u) =>
        el('MeasurementUnit', { OID: unitOid(u), Name: u }, [translated('Symbol', u)]),
      ),
    ),
    metaDataVersion(),
  ]);
  return cached;
}
