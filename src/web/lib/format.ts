const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * A moment shown unambiguously in every country of the study: `07-MAR-2019 14:05` in the
 * device's zone, with the zone's offset (crf-spec.md §1: never 03/07/2019).
 */
export function formatDateTime(iso: string, withOffset = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const base = `${pad(d.getDate())}-${MONTHS[d.getMonth()]}-${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (!withOffset) return base;
  const off = -d.getTimezoneOffset();
  return `${base} UTC${off >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}
