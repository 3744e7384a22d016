/** A DECIMAL value (a string from the Warehouse port) as a 2-dp string, failing if it carries more than cents. */
export function dp2(value: unknown): string {
  const m = /^(-?\d+)(?:\.(\d*))?$/.exec(String(value));
  const decimals = (m?.[2] ?? '').padEnd(2, '0');
  if (!m || /[1-9]/.test(decimals.slice(2))) throw new Error(`not a 2-dp amount: ${String(value)}`);
  return `${m[1]}.${decimals.slice(0, 2)}`;
}
