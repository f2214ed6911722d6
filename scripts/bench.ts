/**
 * `npm run bench`: analysis cost as a ratio to parsing alone, per file and per MB, on the shared
 * corpus and on generated large configs; and peak memory. A benchmark, not a test: it asserts nothing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { analyze, type SourceFile } from "../src/engine/analyze.js";
import { detectFormat } from "../src/formats/detect.js";
import { initFormats, parseConfig } from "../src/formats/index.js";
import type { Format } from "../src/model/types.js";
import { loadPolicy } from "../src/policy/load.js";

const policy = loadPolicy(null);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** Median milliseconds per call over repeated runs lasting at least `budgetMs`. */
function time(fn: () => void, budgetMs = 1500): number {
  fn();
  const samples: number[] = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end || samples.length < 5) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Peak heap growth while fn runs, sampled on every allocation-heavy step via a timer-free probe. */
function peakMemory(fn: () => void): { heapMb: number; rssMb: number } {
  gc();
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed;
  let peakRss = base.rss;
  const probe = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  }, 1);
  fn();
  const m = process.memoryUsage();
  clearInterval(probe);
  return { heapMb: (Math.max(peakHeap, m.heapUsed) - base.heapUsed) / 2 ** 20, rssMb: Math.max(peakRss, m.rss) / 2 ** 20 };
}

interface Case {
  name: string;
  before: SourceFile[];
  after: SourceFile[];
  formats: Map<string, Format>;
}

function measure(c: Case) {
  const bytes = c.after.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  // The baseline parses what the engine parses: files the detector recognises.
  const parsed = [...c.before, ...c.after].filter((f) => detectFormat(f.path, f.text, policy.policy) !== null);
  const parse = time(() => {
    for (const f of parsed) parseConfig(c.formats.get(f.path)!, f.text, f.path);
  });
  const full = time(() => analyze(c.before, c.after, policy));
  const mem = peakMemory(() => analyze(c.before, c.after, policy));
  const mb = bytes / 2 ** 20;
  return {
    name: c.name,
    files: c.after.length,
    kb: (bytes / 1024).toFixed(1),
    parseMs: parse.toFixed(2),
    analyzeMs: full.toFixed(2),
    perFileMs: (full / c.after.length).toFixed(3),
    perMbMs: (full / mb).toFixed(0),
    ratio: (full / parse).toFixed(2),
    heapMb: mem.heapMb.toFixed(1),
    rssMb: mem.rssMb.toFixed(0),
  };
}

function corpusCase(format: Format, dir: string): Case | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).map((name) => ({ path: `${format}/${name}`, text: readFileSync(join(dir, name), "utf8") }));
  // A one-line change per file, so every file is diffed and every rule runs (a trailing comment
  // is valid in every format here except JSON, which the corpus does not use).
  const after = files.map((f) => ({ path: f.path, text: `${f.text}\n# changed\n` }));
  return { name: `corpus ${format} (${files.length} files)`, before: files, after, formats: new Map(files.map((f) => [f.path, format])) };
}

function generatedNginx(upstreams: number, servers: number): Case {
  const conf = (down: boolean) => {
    const out: string[] = ["http {"];
    for (let u = 0; u < upstreams; u++) {
      out.push(`  upstream pool${u} {`, "    least_conn;");
      for (let s = 0; s < servers; s++) out.push(`    server 10.${u >> 8}.${u & 255}.${s + 1}:8080 weight=${1 + (s % 3)}${down && u % 10 === 0 && s > 0 ? " down" : ""};`);
      out.push("  }");
    }
    for (let u = 0; u < upstreams; u++) out.push(`  server { listen 80; server_name s${u}.example.com; location / { proxy_pass http://pool${u}; } }`);
    out.push("}");
    return out.join("\n");
  };
  const path = "nginx/generated.conf";
  return { name: `generated nginx (${upstreams} upstreams, ${upstreams * servers} servers)`, before: [{ path, text: conf(false) }], after: [{ path, text: conf(true) }], formats: new Map([[path, "nginx"]]) };
}

function generatedHaproxy(backends: number, servers: number): Case {
  const conf = (disabled: boolean) => {
    const out: string[] = ["frontend www", "  bind :80"];
    for (let b = 0; b < backends; b++) out.push(`  use_backend be${b} if { hdr(host) -i s${b}.example.com }`);
    out.push("  default_backend be0");
    for (let b = 0; b < backends; b++) {
      out.push(`backend be${b}`, "  balance roundrobin", "  option httpchk GET /health");
      for (let s = 0; s < servers; s++) out.push(`  server s${s} 10.${b >> 8}.${b & 255}.${s + 1}:8080 check weight ${1 + (s % 3)}${disabled && b % 10 === 0 && s > 0 ? " disabled" : ""}`);
    }
    // HAProxy refuses a file without a final LF: the generated one is valid config.
    return `${out.join("\n")}\n`;
  };
  const path = "haproxy/generated.cfg";
  return { name: `generated haproxy (${backends} backends, ${backends * servers} servers)`, before: [{ path, text: conf(false) }], after: [{ path, text: conf(true) }], formats: new Map([[path, "haproxy"]]) };
}

const corpus = resolve(import.meta.dirname, "../../../shared/corpus");
const CORPUS_DIRS: [Format, string][] = [
  ["nginx", "nginx"],
  ["haproxy", "haproxy"],
  ["kubernetes", "kubernetes"],
  ["terraform", "terraform-aws"],
  ["envoy", "envoy"],
  ["traefik", "traefik"],
];
await initFormats();
const cases = [...CORPUS_DIRS.map(([format, dir]) => corpusCase(format, join(corpus, dir))), generatedNginx(1000, 10), generatedHaproxy(1000, 10)].filter(
  (c): c is Case => c !== null,
);
if (!existsSync(corpus)) console.error(`shared corpus not found at ${corpus}: corpus rows skipped`);

const rows = cases.map(measure);
console.log(`Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
console.log("| input | files | KB | parse both versions (ms) | full analysis (ms) | per file (ms) | per MB (ms) | analysis ÷ parse | peak heap growth (MB) | peak RSS (MB) |");
console.log("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
for (const r of rows) console.log(`| ${r.name} | ${r.files} | ${r.kb} | ${r.parseMs} | ${r.analyzeMs} | ${r.perFileMs} | ${r.perMbMs} | ${r.ratio} | ${r.heapMb} | ${r.rssMb} |`);

/** Process start-up, as ratios to a bare `node -e 0`: what a CI step pays before any work. */
function startMs(args: string[]): number {
  const runs = Array.from({ length: 7 }, () => {
    const t = performance.now();
    spawnSync(process.execPath, args, { cwd: resolve(import.meta.dirname, "../.."), stdio: "ignore" });
    return performance.now() - t;
  }).sort((a, b) => a - b);
  return runs[3]!;
}
const cli = resolve(import.meta.dirname, "../../bin/lb-review.js");
console.log("\n| start-up | median (ms) | ÷ node -e 0 |");
console.log("|---|--:|--:|");
const starts = ([
  ["node -e 0", ["-e", "0"]],
  ["lb-review --help", [cli, "--help"]],
  ["lb-review check (incident example)", [cli, "check", "--base", "examples/incident/before", "--head", "examples/incident/after"]],
] as [string, string[]][]).map(([name, args]) => ({ name, ms: startMs(args) }));
for (const { name, ms } of starts) console.log(`| ${name} | ${Math.round(ms)} | ${(ms / starts[0]!.ms).toFixed(2)} |`);
