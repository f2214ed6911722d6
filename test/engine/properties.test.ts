/**
 * Invariants of the whole engine, over generated configs and the shared corpus: copies never
 * hide anything, cosmetic edits never alarm, shares add up, more `down` is never safer, and a
 * revert mirrors the change.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { type Analysis, analyze, type SourceFile } from "../../src/engine/analyze.js";
import { activeCount, poolShares } from "../../src/diff/shares.js";
import { parseConfig } from "../../src/formats/index.js";
import { detectFormat } from "../../src/formats/detect.js";
import { link } from "../../src/model/link.js";
import { SEVERITIES, type Severity } from "../../src/model/types.js";
import { loadPolicy } from "../../src/policy/load.js";
import { corpusFiles } from "../support/corpus.js";

const POLICY = loadPolicy(null);
const check = (before: SourceFile[], after: SourceFile[]) => analyze(before, after, POLICY);
const rank = (r: Analysis["risk"] | Severity) => (r === "none" ? -1 : SEVERITIES.indexOf(r));

interface Server {
  weight: number;
  down: boolean;
  backup: boolean;
}
const server = fc.record({ weight: fc.integer({ min: 1, max: 5 }), down: fc.boolean(), backup: fc.boolean() });
const servers = fc.array(server, { minLength: 1, maxLength: 6 });

/** An nginx upstream and a site proxying to it; `order` permutes the server lines. */
function nginx(list: Server[], order: number[] = list.map((_, i) => i), indent = "  "): string {
  const lines = order.map((i) => {
    const s = list[i]!;
    return `${indent}server 10.0.0.${i + 1}:8080 weight=${s.weight}${s.down ? " down" : ""}${s.backup ? " backup" : ""};`;
  });
  return `upstream app {\n${lines.join("\n")}\n}\nserver {\n${indent}listen 80;\n${indent}location / {\n${indent}${indent}proxy_pass http://app;\n${indent}}\n}\n`;
}

const REAL = ["nginx", "haproxy", "kubernetes", "terraform-aws", "envoy", "traefik"].flatMap((d) => corpusFiles(d).map((f) => ({ path: `${d}/${f.name}`, text: f.text })));
const copySource = fc.oneof(fc.constant("before" as const), fc.constant("after" as const), ...(REAL.length > 0 ? [fc.constantFrom(...REAL)] : []));
const copyPath = fc.constantFrom("docs/examples/app.conf", "lb/app.conf.orig.conf", "lb/old/app.conf", "other/x/app.conf", "app.conf");
const FILE = "lb/app.conf";
const onFile = (a: Analysis) => a.findings.filter((f) => f.file === FILE).map((f) => `${f.rule}|${f.severity}|${f.line}|${f.message}`);

describe("engine properties", () => {
  test.prop([servers, servers, copySource, copyPath, fc.constantFrom("added", "removed", "kept", "moved")])(
    "an unchanged copy of any config, added, removed, kept or moved anywhere, never lowers the risk nor changes the findings on other files",
    (a, b, source, path, how) => {
      const before = nginx(a);
      const after = nginx(b);
      const base = check([{ path: FILE, text: before }], [{ path: FILE, text: after }]);
      const copy = source === "before" ? { path, text: before } : source === "after" ? { path, text: after } : { path: `${path}.${source.path.split(".").pop()}`, text: source.text };
      const moved = { ...copy, path: `moved/${copy.path}` };
      const sides: Record<string, [SourceFile[], SourceFile[]]> = { added: [[], [copy]], removed: [[copy], []], kept: [[copy], [copy]], moved: [[copy], [moved]] };
      const [extraBefore, extraAfter] = sides[how]!;
      const withCopy = check([{ path: FILE, text: before }, ...extraBefore], [{ path: FILE, text: after }, ...extraAfter]);
      expect(rank(withCopy.risk)).toBeGreaterThanOrEqual(rank(base.risk));
      expect(onFile(withCopy)).toEqual(onFile(base));
    },
  );

  test.prop([servers, fc.nat(), fc.constantFrom("  ", "\t", "    "), fc.constantFrom(FILE, "lb/site/app.conf", "conf.d/app.conf")])(
    "reordering servers, reformatting and renaming the file raise nothing at medium or above",
    (list, seed, indent, path) => {
      const order = list.map((_, i) => i).sort((x, y) => ((x * 7919 + seed) % 13) - ((y * 7919 + seed) % 13) || x - y);
      const a = check([{ path: FILE, text: nginx(list) }], [{ path, text: `# reformatted\n\n${nginx(list, order, indent)}` }]);
      expect(a.findings.filter((f) => rank(f.severity) >= SEVERITIES.indexOf("medium"))).toEqual([]);
    },
  );

  test.prop([servers, fc.array(fc.nat({ max: 5 }), { maxLength: 6 }), fc.array(fc.nat({ max: 5 }), { maxLength: 6 })])(
    "marking more servers down never lowers the risk",
    (list, some, more) => {
      const up = list.map((s) => ({ ...s, down: false }));
      const downed = (idx: number[]) => up.map((s, i) => ({ ...s, down: idx.some((j) => j % up.length === i) }));
      const fewer = check([{ path: FILE, text: nginx(up) }], [{ path: FILE, text: nginx(downed(some)) }]);
      const worse = check([{ path: FILE, text: nginx(up) }], [{ path: FILE, text: nginx(downed([...some, ...more])) }]);
      expect(rank(worse.risk)).toBeGreaterThanOrEqual(rank(fewer.risk));
    },
  );

  test.prop([servers, servers])("a change and its revert mirror each other: the same elements, shares swapped", (a, b) => {
    const forward = check([{ path: FILE, text: nginx(a) }], [{ path: FILE, text: nginx(b) }]);
    const back = check([{ path: FILE, text: nginx(b) }], [{ path: FILE, text: nginx(a) }]);
    const view = (x: Analysis, swap: boolean) =>
      x.changes.pools.map((p) => ({ key: p.key, before: swap ? p.sharesAfter : p.sharesBefore, after: swap ? p.sharesBefore : p.sharesAfter }));
    expect(view(back, true)).toEqual(view(forward, false));
    expect(back.changes.routes.map((r) => r.key)).toEqual(forward.changes.routes.map((r) => r.key));
  });

  test.prop([servers])("every pool's shares sum to 1, or it has no active backend", (list) => {
    for (const p of check([], [{ path: FILE, text: nginx(list) }]).changes.pools) {
      const shares = p.sharesAfter!;
      if (activeCount(shares) === 0) continue;
      expect(shares.reduce((s, x) => s + (x.share ?? 0), 0)).toBeCloseTo(1, 9);
    }
  });
});

describe.runIf(REAL.length > 0)("engine properties on the shared corpus", () => {
  test("every pool's shares sum to 1, or it has no active backend, or they are unknown", () => {
    const models = REAL.flatMap((f) => {
      const format = detectFormat(f.path, f.text, POLICY.policy);
      return format ? [parseConfig(format, f.text, f.path)] : [];
    });
    let judged = 0;
    for (const pool of link(models).pools.values()) {
      const shares = poolShares(pool);
      if (activeCount(shares) === 0 || shares.some((s) => s.share === null)) continue;
      expect(shares.reduce((s, x) => s + (x.share ?? 0), 0)).toBeCloseTo(1, 9);
      judged++;
    }
    expect(judged).toBeGreaterThan(20);
  });

  test.prop([fc.constantFrom(...(REAL.length > 0 ? REAL : [{ path: "x", text: "" }])), fc.nat(), fc.constantFrom("docs/copy", "a/b/c", "copies")], { numRuns: 80 })(
    "a copy of a real file beside a change to it never changes the findings on the real file",
    (real, line, dir) => {
      const lines = real.text.split("\n");
      const changed = { path: real.path, text: lines.filter((_, i) => i !== line % lines.length).join("\n") };
      const base = check([real], [changed]);
      for (const copy of [{ path: `${dir}/${real.path}`, text: real.text }, { path: `${dir}/${real.path}`, text: changed.text }]) {
        const withCopy = check([real], [changed, copy]);
        expect(withCopy.findings.filter((f) => f.file === real.path)).toEqual(base.findings.filter((f) => f.file === real.path));
        expect(rank(withCopy.risk)).toBeGreaterThanOrEqual(rank(base.risk));
      }
    },
  );
});
