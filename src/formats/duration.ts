/** Durations as nginx and HAProxy write them ("10s", "1m30s", "500ms", bare numbers). */
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration into milliseconds; `bareUnit` is the unit of a plain number. Null when malformed. */
export function parseDuration(text: string, bareUnit: "ms" | "s"): number | null {
  if (/^\d+$/.test(text)) return Number(text) * UNIT_MS[bareUnit]!;
  const parts = text.match(/\d+(us|ms|s|m|h|d)/g);
  if (!parts || parts.join("") !== text) return null;
  return parts.reduce((sum, part) => {
    const [, num, unit] = part.match(/^(\d+)(\w+)$/)!;
    return sum + Number(num) * UNIT_MS[unit!]!;
  }, 0);
}
