import type { Version } from "../../src/model/link.js";
import type { Pool } from "../../src/model/types.js";

/** The pools declared under one key, in every file: tests look pools up by key, not identity. */
export function poolsByKey(v: Version, key: string): Pool[] {
  return [...v.pools.values()].filter((p) => p.key === key);
}
