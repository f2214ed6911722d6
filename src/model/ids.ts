import type { Backend } from "./types.js";

/** Backend ids are unique within a pool: an address listed again gets "#2", "#3" and a note. */
export function uniqueIds(backends: Backend[]): void {
  const seen = new Map<string, number>();
  for (const b of backends) {
    const n = (seen.get(b.id) ?? 0) + 1;
    seen.set(b.id, n);
    if (n > 1) {
      b.notes.push(`the same address is listed ${n} times`);
      b.id = `${b.id}#${n}`;
    }
  }
}
