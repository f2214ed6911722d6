/** JSON read as JSON gives the same positioned tree as the YAML reader, faster; anything else falls back to it. */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parseJsonTree } from "../../src/formats/json-lines.js";
import { parseYamlDocuments, parseYamlStrict } from "../../src/formats/yaml-lines.js";

describe("JSON as JSON", () => {
  test.prop([fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(0, 2, "\t")])("the same tree as the YAML reader, lines included", (value, indent) => {
    const text = JSON.stringify(value, null, indent);
    fc.pre(/^[{[]/.test(text));
    const yaml = parseYamlStrict(text, "x.json").documents[0]!.root;
    expect(parseJsonTree(text)).toEqual(yaml);
  });

  it("falls back to the YAML reader, with its diagnostics, for what is not plain JSON", () => {
    for (const text of ['{"a": 1, "a": 2}', "{\"a\": 1,}", '{"a": 1} # comment', "[1, 2"]) {
      expect(parseJsonTree(text)).toBeNull();
      expect(parseYamlDocuments(text, "x.json")).toEqual(parseYamlStrict(text, "x.json"));
    }
  });

  it("keeps line numbers across multi-line JSON", () => {
    const root = parseJsonTree('{\n  "clusters": [\n    {\n      "name": "app"\n    }\n  ]\n}\n')!;
    expect(root.kind === "map" && root.entries[0]).toMatchObject({ key: "clusters", line: 2, endLine: 6 });
  });
});
