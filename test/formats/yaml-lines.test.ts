import { describe, expect, it } from "vitest";
import { kubernetes } from "../../src/formats/kubernetes/index.js";
import { parseYamlDocuments } from "../../src/formats/yaml-lines.js";

describe("the shared YAML layer", () => {
  it("reports an alias without an anchor at its line, and keeps the other documents", () => {
    const m = kubernetes.parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  selector: *nope\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  selector:\n    app: b\n", "k.yaml");
    expect(m.diagnostics.filter((d) => d.severity === "error").map((d) => d.loc.line)).toEqual([6]);
    expect(m.pools.map((p) => p.name)).toEqual(["default/b"]);
  });

  it("stops an alias bomb with a diagnostic instead of expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    const r = parseYamlDocuments(levels.join("\n"), "bomb.yaml");
    expect(r.diagnostics.find((d) => d.severity === "error")?.message).toMatch(/alias bomb/);
  });
});
