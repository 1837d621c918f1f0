import { useTranslation } from 'react-i18next';
import type { DashboardSite } from '#schemas/endpoints/api';

/**
 * Which sites the dashboard counts. Every site the user may see is listed; the last one
 * cannot be unticked (an empty selection would be an empty study, not a filter).
 */
export function SiteFilter({
  available,
  selected,
  onChange,
  busy,
}: {
  available: readonly DashboardSite[];
  selected: readonly string[];
  onChange: (codes: string[], all: boolean) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const chosen = new Set(selected);
  const toggle = (code: string, on: boolean) => {
    const next = available.map((s) => s.code).filter((c) => (c === code ? on : chosen.has(c)));
    onChange(next, next.length === available.length);
  };
  return (
    <fieldset className="dash-sites" aria-busy={busy}>
      <legend>{t('dashboard.sites.legend')}</legend>
      {available.map((s) => {
        const on = chosen.has(s.code);
        return (
          <label key={s.code} className="field-inline">
            <input
              type="checkbox"
              checked={on}
              disabled={on && chosen.size === 1}
              onChange={(e) => toggle(s.code, e.currentTarget.checked)}
            />
            {s.code} <span className="hint">{s.name}</span>
          </label>
        );
      })}
      <button
        type="button"
        onClick={() => onChange([], true)}
        disabled={chosen.size === available.length}
      >
        {t('dashboard.sites.all')}
      </button>
    </fieldset>
  );
}
