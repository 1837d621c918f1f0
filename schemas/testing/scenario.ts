import { buildCasebook, type Casebook, type RawFormInstance } from '../rules/casebook';
import { deriveSubject, type LesionDerived, type SubjectDerived } from '../rules/derive';
import type { FormStatusEntry } from '../rules/form-status';
import { evaluateSoftChecks, type SoftCheckFailure } from '../rules/soft-checks';
import type { FormKey } from '../study/keys';
import { setAtPath } from '../study/paths';

/**
 * A small harness for testing form logic without any UI, after ODK's `Scenario`:
 *
 *   const s = scenario().answer('REG', '1', 'who_ps', '2');
 *   expect(s.derive().registration.status).toBe('not_met');
 *
 * It keeps form instances as the app stores them (`{ form, instance, values, state }`),
 * sets values by path as a sync op would, and runs the real casebook and rules on demand.
 */
export interface ScenarioOptions {
  readonly subjectId?: string;
  readonly siteCode?: string;
  readonly today?: string;
}

interface Stored {
  form: FormKey;
  instance: string;
  values: Record<string, unknown>;
  state: 'active' | 'entered_in_error';
}

export class Scenario {
  private readonly stored = new Map<string, Stored>();

  constructor(private readonly opts: ScenarioOptions = {}) {}

  private get(form: FormKey, instance: string): Stored {
    const id = `${form}/${instance}`;
    let s = this.stored.get(id);
    if (!s) {
      s = { form, instance, values: {}, state: 'active' };
      this.stored.set(id, s);
    }
    return s;
  }

  /** Set the value at a path (`key` or `key.L3`) of a form instance, creating it if needed. */
  answer(form: FormKey, instance: string, path: string, value: unknown): this {
    const s = this.get(form, instance);
    s.values = setAtPath(s.values, path, value);
    return this;
  }

  /** Set several values of one instance. */
  answers(form: FormKey, instance: string, values: Readonly<Record<string, unknown>>): this {
    for (const [path, value] of Object.entries(values)) this.answer(form, instance, path, value);
    return this;
  }

  /** Clear a value (stored as null, as the app does). */
  clear(form: FormKey, instance: string, path: string): this {
    return this.answer(form, instance, path, null);
  }

  /** Open an instance without answering anything. */
  open(form: FormKey, instance: string): this {
    this.get(form, instance);
    return this;
  }

  enterInError(form: FormKey, instance: string): this {
    this.get(form, instance).state = 'entered_in_error';
    return this;
  }

  /** The stored instances, as storage would hand them to the rules. */
  instances(): RawFormInstance[] {
    return [...this.stored.values()].map((s) => ({ ...s, values: { ...s.values } }));
  }

  casebook(): Casebook {
    return buildCasebook(
      this.instances(),
      { subjectId: this.opts.subjectId ?? 'FR01-001', siteCode: this.opts.siteCode ?? 'FR01' },
      this.opts.today === undefined ? {} : { today: this.opts.today },
    );
  }

  derive(): SubjectDerived {
    return deriveSubject(this.casebook());
  }

  lesion(lesion: string): LesionDerived {
    const found = this.derive().lesions.find((l) => l.lesion === lesion);
    if (!found) throw new Error(`No lesion ${lesion} in the scenario`);
    return found;
  }

  formStatus(form: FormKey, instance: string): FormStatusEntry | undefined {
    return this.derive().forms.find((f) => f.form === form && f.instance === instance);
  }

  softChecks(): SoftCheckFailure[] {
    return evaluateSoftChecks(this.casebook());
  }

  /** The ids of the failing soft checks, each once, in check order. */
  failedChecks(): string[] {
    return [...new Set(this.softChecks().map((f) => f.checkId))];
  }
}

export function scenario(opts: ScenarioOptions = {}): Scenario {
  return new Scenario(opts);
}
