/** A software release a policy names ("2.6", "1.26.3"): which errors and warnings apply follows it. */
export interface Release {
  major: number;
  minor: number;
}

export function parseRelease(text: string | undefined): Release | undefined {
  const m = /^(\d+)\.(\d+)/.exec(text ?? "");
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export const atLeast = (r: Release | undefined, major: number, minor = 0) => !!r && (r.major > major || (r.major === major && r.minor >= minor));

/** Whether `r` is `other` or an older release (compared by major and minor). */
export function atMost(r: Release, other: string): boolean {
  const o = parseRelease(other);
  return !!o && (r.major < o.major || (r.major === o.major && r.minor <= o.minor));
}
