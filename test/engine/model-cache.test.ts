/** Models kept by content: parsed at most once while kept, every read an independent copy, bounded by size. */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/engine/analyze.js";
import { ModelCache } from "../../src/engine/model-cache.js";
import { emptyModel, type Model } from "../../src/model/types.js";
import { loadPolicy } from "../../src/policy/load.js";

const counting = () => {
  let parses = 0;
  const parse = (path: string) => (): Model[] => {
    parses++;
    return [{ ...emptyModel(path, "nginx"), diagnostics: [{ severity: "warning", message: "x", loc: { file: path, line: 1, endLine: 1 } }] }];
  };
  return { parse, count: () => parses };
};

describe("ModelCache", () => {
  it("parses the same files with the same text and options once; a change of text or options parses again", () => {
    const cache = new ModelCache(1_000, true);
    const { parse, count } = counting();
    const file = { path: "a.conf", text: "upstream a { server 10.0.0.1; }" };
    cache.models([file], "nginx|{}", parse(file.path));
    cache.models([file], "nginx|{}", parse(file.path));
    expect(count()).toBe(1);
    cache.models([{ ...file, text: `${file.text} ` }], "nginx|{}", parse(file.path));
    cache.models([file], 'nginx|{"nginx":{"version":"1.22"}}', parse(file.path));
    expect(count()).toBe(3);
  });

  it("hands out copies: what one analysis links never leaks into the next", () => {
    const cache = new ModelCache(1_000, true);
    const { parse } = counting();
    const file = { path: "a.conf", text: "x" };
    const first = cache.models([file], "k", parse(file.path))[0]!;
    first.diagnostics.length = 0;
    expect(cache.models([file], "k", parse(file.path))[0]!.diagnostics).toHaveLength(1);
  });

  it("keeps at most its size in text, dropping the least recently used", () => {
    const cache = new ModelCache(10, true);
    const { parse, count } = counting();
    const f = (name: string) => ({ path: name, text: "12345" });
    cache.models([f("a")], "k", parse("a"));
    cache.models([f("b")], "k", parse("b"));
    cache.models([f("a")], "k", parse("a")); // a is now the most recent
    cache.models([f("c")], "k", parse("c")); // b goes
    expect(cache.size).toBe(2);
    cache.models([f("a")], "k", parse("a"));
    expect(count()).toBe(3);
    cache.models([f("b")], "k", parse("b"));
    expect(count()).toBe(4);
  });

  it("a lasting cache shared by analyses gives the same verdicts as a fresh one", () => {
    const cache = new ModelCache(10_000_000, true);
    const conf = (down: string) => `upstream shop {\n  server 10.0.0.1:80;\n  server 10.0.0.2:80${down};\n}\n`;
    const run = (c?: ModelCache) => analyze([{ path: "lb/site.conf", text: conf("") }], [{ path: "lb/site.conf", text: conf(" down") }], loadPolicy(null), c).findings;
    const fresh = run();
    expect(run(cache)).toEqual(fresh);
    expect(run(cache)).toEqual(fresh);
    expect(cache.size).toBe(2);
  });
});
