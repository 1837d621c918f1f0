/**
 * Capture time as the device sees it, with its UTC offset (EMA 2023 guideline on
 * computerised systems: keep the device's capture time and zone; the server's clock
 * orders events).
 */
export function captureTime(now = new Date()): { clientTime: string; clientTzOffsetMin: number } {
  const offsetMin = -now.getTimezoneOffset();
  const local = new Date(now.getTime() + offsetMin * 60_000);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return {
    clientTime: `${local.toISOString().slice(0, 23)}${sign}${hh}:${mm}`,
    clientTzOffsetMin: offsetMin,
  };
}
