/**
 * The day D a daily run is about: the UTC date of its interval start, as `YYYY-MM-DD` (what `report_date`
 * and the `dt=` partitions of the bucket use).
 *
 * @example reportDay({ start: new Date('2026-01-05T00:00:00Z'), end: new Date('2026-01-06T00:00:00Z') }) // '2026-01-05'
 */
export function reportDay(interval: { readonly start: Date }): string {
  return interval.start.toISOString().slice(0, 10);
}
