/**
 * Spreadsheet formula injection (OWASP "CSV injection"): a cell starting with = + - @ or a
 * tab/carriage return is executed by Excel and LibreOffice. Prefix it with an apostrophe,
 * which the spreadsheet shows as text. Numbers such as "-3" are left alone.
 */
export function neutraliseCsvCell(value: string): string {
  if (/^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value)) return `'${value}`;
  return value;
}
