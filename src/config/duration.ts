/** Units of {@link parseDuration}, in milliseconds. */
const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration written as a whole number and one unit: `90s`, `30m`, `24h`, `7d`. Returns milliseconds,
 * or undefined for anything else (no bare numbers, no fractions, no combined units), so the caller can
 * refuse it with an error naming its variable.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^([0-9]{1,6})(s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNITS[m[2] ?? ''] ?? 0);
}
