import { expect, type Locator, type Page } from '@playwright/test';
import { getForm } from '../../schemas/study/definition';
import type { AnyField } from '../../schemas/study/fields';
import type { FormKey } from '../../schemas/study/keys';

/**
 * Drives the casebook as an investigator does: by labels and roles (so the tests also prove
 * the controls are labelled), one form at a time, in the order the definition lists fields
 * (so branching reveals a field before it is filled).
 */

export type Answers = Readonly<
  Record<
    string,
    string | number | readonly number[] | readonly string[] | Readonly<Record<string, string>>
  >
>;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** `2019-03-07` → `07-MAR-2019`, as the app shows dates. */
export function displayDate(iso: string): string {
  return `${iso.slice(8, 10)}-${MONTHS[Number(iso.slice(5, 7)) - 1]}-${iso.slice(0, 4)}`;
}

function fieldOf(form: FormKey, key: string): AnyField {
  const f = (getForm(form).fields as readonly AnyField[]).find((x) => x.key === key);
  if (!f) throw new Error(`${form} has no field ${key}`);
  return f;
}

function codeText(field: AnyField, code: string): string {
  if (field.type !== 'code' && field.type !== 'multi') throw new Error(`${field.key} has no codes`);
  const item = field.codeList.items.find((i) => i.code === code);
  if (!item) throw new Error(`${field.key}: unknown code ${code}`);
  return item.label;
}

export class CasebookPage {
  constructor(readonly page: Page) {}

  get casebookNav(): Locator {
    return this.page.getByRole('navigation', { name: 'Casebook' });
  }

  get panel(): Locator {
    return this.page.getByTestId('derived-panel');
  }

  field(path: string): Locator {
    return this.page.locator(`[data-path="${path}"]`);
  }

  /** Registers a subject from the subject list and lands on its registration form. */
  async registerSubject(): Promise<string> {
    await this.page.getByRole('link', { name: 'Subjects', exact: true }).click();
    await this.page.getByRole('button', { name: /^Register a subject at / }).click();
    await expect(
      this.page.getByRole('heading', { level: 1, name: 'Registration and eligibility' }),
    ).toBeVisible();
    const m = /\/subjects\/([0-9a-f-]{36})\//.exec(this.page.url());
    if (!m?.[1]) throw new Error(`not on a casebook page: ${this.page.url()}`);
    return m[1];
  }

  /** Opens a form instance from the casebook navigation. */
  async open(linkName: string): Promise<void> {
    await this.casebookNav.getByRole('link', { name: linkName, exact: true }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: linkName })).toBeVisible();
  }

  async overview(): Promise<void> {
    await this.casebookNav.getByRole('link', { name: /^Overview/ }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: /^Casebook / })).toBeVisible();
  }

  async addLesion(): Promise<string> {
    await this.overview();
    await this.page.getByRole('button', { name: 'Add a lesion' }).click();
    const heading = this.page.getByRole('heading', {
      level: 1,
      name: /^Lesion imaging findings — L\d+$/,
    });
    await expect(heading).toBeVisible();
    return ((await heading.textContent()) ?? '').split('— ')[1] as string;
  }

  async addVisit(): Promise<string> {
    await this.overview();
    await this.page.getByRole('button', { name: 'Add a follow-up visit' }).click();
    const heading = this.page.getByRole('heading', { level: 1, name: /^Follow-up visit — FU\d+$/ });
    await expect(heading).toBeVisible();
    return ((await heading.textContent()) ?? '').split('— ')[1] as string;
  }

  /** Answers one field of the open form. */
  async answer(form: FormKey, path: string, value: Answers[string]): Promise<void> {
    const key = path.split('.')[0] as string;
    const field = fieldOf(form, key);
    const box = this.field(path);
    if (field.key === 'segment' && typeof value === 'string') {
      await box.getByRole('radio', { name: `Segment ${value}`, exact: true }).click();
      return;
    }
    switch (field.type) {
      case 'code':
        if (field.codeList.items.length <= 5)
          await box
            .getByRole('radio', { name: codeText(field, String(value)), exact: true })
            .click();
        else await box.getByRole('combobox').selectOption(String(value));
        return;
      case 'multi':
        for (const c of value as readonly string[])
          await box.getByRole('checkbox', { name: codeText(field, c), exact: true }).check();
        return;
      case 'date':
        await box.getByRole('textbox').fill(displayDate(String(value)));
        return;
      case 'integer_list':
        await box.getByRole('textbox').fill((value as readonly number[]).join(', '));
        return;
      default:
        await box.getByRole('textbox').fill(String(value));
    }
  }

  /** Fills the open form in definition order; per-lesion maps answer each lesion. */
  async fill(form: FormKey, answers: Answers): Promise<void> {
    for (const f of getForm(form).fields as readonly AnyField[]) {
      const v = answers[f.key];
      if (v === undefined) continue;
      if (f.perLesion)
        for (const [lesion, entry] of Object.entries(v as Record<string, string>))
          await this.answer(form, `${f.key}.${lesion}`, entry);
      else await this.answer(form, f.key, v);
    }
    // Leave the last field: the blur saves at once.
    await this.page.keyboard.press('Tab');
  }

  /**
   * Every answer is on screen as entered. Read in one pass over the form (what each control
   * shows) and compared as a whole, retried until it matches.
   */
  async expectAnswers(form: FormKey, answers: Answers): Promise<void> {
    const expected: Record<string, string | string[]> = {};
    for (const f of getForm(form).fields as readonly AnyField[]) {
      const v = answers[f.key];
      if (v === undefined) continue;
      const entries: [string, Answers[string]][] = f.perLesion
        ? Object.entries(v as Record<string, string>).map(([l, e]) => [`${f.key}.${l}`, e])
        : [[f.key, v]];
      for (const [path, value] of entries)
        expected[path] =
          f.type === 'date'
            ? displayDate(String(value))
            : f.type === 'integer_list'
              ? (value as readonly number[]).join(', ')
              : f.type === 'multi'
                ? [...(value as readonly string[])]
                : String(value);
    }
    await expect.poll(() => this.shown(Object.keys(expected))).toEqual(expected);
  }

  /** What each field shows: the chosen code or segment, the text in its box. */
  shown(paths: readonly string[]): Promise<Record<string, string | string[] | null>> {
    return this.page.evaluate((list) => {
      const out: Record<string, string | string[] | null> = {};
      for (const p of list) {
        const box = document.querySelector(`[data-path="${p}"]`);
        const segment = box?.querySelector('[role="radio"][aria-checked="true"]');
        const radio = box?.querySelector<HTMLInputElement>('input[type="radio"]:checked');
        const checks = box?.querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
        const select = box?.querySelector('select');
        const text = box?.querySelector<HTMLInputElement>('input[type="text"]');
        out[p] = !box
          ? null
          : segment
            ? segment.getAttribute('data-segment')
            : radio
              ? radio.value
              : checks?.length
                ? Array.from(checks)
                    .filter((c) => c.checked)
                    .map((c) => c.value)
                : select
                  ? select.value
                  : text
                    ? text.value
                    : null;
      }
      return out;
    }, paths);
  }

  /** The class the derived-status panel shows for a lesion. */
  panelClass(lesion: string): Locator {
    return this.panel.locator(`tr[data-lesion="${lesion}"] td[data-col="class"]`);
  }
}
