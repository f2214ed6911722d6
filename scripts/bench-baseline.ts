/**
 * The baseline of `npm run bench:matrix`: a process that reads the files of both versions and
 * parses them with the format's generic library, doing nothing else. lb-review's cost is the
 * difference between its `check` and this.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { parseAllDocuments } from "yaml";

const [format = "", ...dirs] = process.argv.slice(2);
const texts = dirs.flatMap((d) => readdirSync(d).map((f) => readFileSync(join(d, f), "utf8")));

/** nginx and HAProxy have no generic library: a plain tokenizer stands for one. */
const words = (text: string) => text.split(/[\s;{}]+/).filter(Boolean).length;

let size = 0;
if (format === "terraform") {
  const { loadHcl, newHclParser } = await import("../src/formats/terraform/hcl.js");
  await loadHcl();
  const parser = newHclParser();
  for (const t of texts) size += parser?.parse(t)?.rootNode.childCount ?? 0;
} else {
  for (const t of texts) {
    if (format === "envoy-json") size += Object.keys(JSON.parse(t) as object).length;
    else if (format === "traefik-toml") size += Object.keys(parseToml(t)).length;
    else if (format === "kubernetes" || format === "envoy-yaml") size += parseAllDocuments(t).length;
    else size += words(t);
  }
}
process.stdout.write(`${size}\n`);
