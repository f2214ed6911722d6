/**
 * `npm run bench:matrix [-- --full]`: whole-process CPU and peak memory of `lb-review check` on
 * generated configs of 1,000 and 10,000 backends (and 100,000 with --full) in 10 files per
 * version, one pool losing 9 of its 10 backends, for every format; against a baseline process
 * that only reads the same files and parses them with the format's generic library. A benchmark,
 * not a test: it asserts nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

type Case = "nginx" | "haproxy" | "kubernetes" | "traefik-toml" | "envoy-yaml" | "envoy-json" | "terraform";
const CASES: Case[] = ["nginx", "haproxy", "kubernetes", "traefik-toml", "envoy-yaml", "envoy-json", "terraform"];
const FILES = 10;
const PER_POOL = 10;

/** One file of `pools` pools of PER_POOL backends; `drained` marks pool 0 of file 0 down to one backend. */
function file(c: Case, index: number, pools: number, drained: boolean): { name: string; text: string } {
  const ids = Array.from({ length: pools }, (_, p) => `p${index}x${p}`);
  const live = (p: number, b: number) => !(drained && index === 0 && p === 0 && b > 0);
  const addr = (p: number, b: number) => `10.${index}.${p % 250}.${b + 1}`;
  const backends = (_pool: number) => Array.from({ length: PER_POOL }, (_, b) => b);
  switch (c) {
    case "nginx":
      return { name: `f${index}.conf`, text: ids.map((id, p) => `upstream ${id} {\n${backends(p).map((b) => `  server ${addr(p, b)}:80${live(p, b) ? "" : " down"};\n`).join("")}}\n`).join("") };
    case "haproxy":
      return { name: `f${index}.cfg`, text: ids.map((id, p) => `backend ${id}\n${backends(p).map((b) => `  server s${b} ${addr(p, b)}:80${live(p, b) ? "" : " disabled"}\n`).join("")}`).join("") };
    case "kubernetes":
      return {
        name: `f${index}.yaml`,
        text: ids
          .map((id, p) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${id}\nspec:\n  selector:\n    app: ${id}\n  ports:\n  - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${id}\nspec:\n  replicas: ${drained && index === 0 && p === 0 ? 1 : PER_POOL}\n  selector:\n    matchLabels:\n      app: ${id}\n  template:\n    metadata:\n      labels:\n        app: ${id}\n`)
          .join("---\n"),
      };
    case "traefik-toml":
      return {
        name: `f${index}.toml`,
        text: ids.map((id, p) => `[http.services.${id}.loadBalancer]\n${backends(p).map((b) => `  [[http.services.${id}.loadBalancer.servers]]\n    url = "http://${addr(p, b)}:80"\n    weight = ${live(p, b) ? 1 : 0}\n`).join("")}`).join(""),
      };
    case "envoy-yaml":
    case "envoy-json": {
      const clusters = ids.map((id, p) => ({
        name: id,
        type: "STATIC",
        load_assignment: { cluster_name: id, endpoints: [{ lb_endpoints: backends(p).map((b) => ({ endpoint: { address: { socket_address: { address: addr(p, b), port_value: 80 } } }, load_balancing_weight: live(p, b) ? 1 : 0 })) }] },
      }));
      if (c === "envoy-json") return { name: `f${index}.json`, text: JSON.stringify({ static_resources: { clusters } }, null, 2) };
      const yaml = clusters
        .map((cl) => `  - name: ${cl.name}\n    type: STATIC\n    load_assignment:\n      cluster_name: ${cl.name}\n      endpoints:\n      - lb_endpoints:\n${cl.load_assignment.endpoints[0]!.lb_endpoints.map((e) => `        - endpoint: { address: { socket_address: { address: ${e.endpoint.address.socket_address.address}, port_value: 80 } } }\n          load_balancing_weight: ${e.load_balancing_weight}\n`).join("")}`)
        .join("");
      return { name: `f${index}.yaml`, text: `static_resources:\n  clusters:\n${yaml}` };
    }
    case "terraform":
      return {
        name: `f${index}.tf`,
        text: ids
          .map((id, p) => `resource "aws_lb_target_group" "${id}" {\n  port     = 80\n  protocol = "HTTP"\n}\n\nresource "aws_lb_target_group_attachment" "${id}" {\n  count            = ${drained && index === 0 && p === 0 ? 1 : PER_POOL}\n  target_group_arn = aws_lb_target_group.${id}.arn\n  target_id        = "i-${id}"\n}\n`)
          .join("\n"),
      };
  }
}

/** CPU (ms) and peak RSS (MB) of a child process, reported by the child itself at exit. */
const PROBE = `data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\nBENCH "+JSON.stringify({cpu:(u.user+u.system)/1000,rss:process.resourceUsage().maxRSS/1024})+"\\n")})`;

function measure(args: string[]): { cpu: number; rss: number } {
  const runs = Array.from({ length: 3 }, () => {
    const r = spawnSync(process.execPath, ["--import", PROBE, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const line = /BENCH (\{.*\})/.exec(r.stderr)?.[1];
    if (!line) throw new Error(`no measurement from ${args.join(" ")}: ${r.stderr.slice(0, 500)}`);
    return JSON.parse(line) as { cpu: number; rss: number };
  });
  runs.sort((a, b) => a.cpu - b.cpu);
  return runs[1]!;
}

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "bin/lb-review.js");
const baseline = join(root, "dist/scripts/bench-baseline.js");
const sizes = process.argv.includes("--full") ? [1_000, 10_000, 100_000] : [1_000, 10_000];

console.log(`Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; CPU is user + system of the whole process, median of 3\n`);
console.log("| format | backends | check CPU (s) | baseline CPU (s) | check − baseline (s) | check peak RSS (MB) | cost per added backend ÷ cost per backend at the size before |");
console.log("|---|--:|--:|--:|--:|--:|--:|");
for (const c of CASES) {
  let previous: { n: number; extra: number } | undefined;
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), "lbr-matrix-"));
    for (const side of ["base", "head"]) {
      mkdirSync(join(dir, side));
      for (let i = 0; i < FILES; i++) {
        const f = file(c, i, n / FILES / PER_POOL, side === "head");
        writeFileSync(join(dir, side, f.name), f.text);
      }
    }
    const check = measure([cli, "check", "--base", join(dir, "base"), "--head", join(dir, "head"), "--format", "json", "--output", join(dir, "report.json")]);
    const base = measure([baseline, c, join(dir, "base"), join(dir, "head")]);
    rmSync(dir, { recursive: true, force: true });
    const extra = (check.cpu - base.cpu) / 1000;
    const growth = previous ? ((extra - previous.extra) / (n - previous.n) / (previous.extra / previous.n)).toFixed(2) : "–";
    console.log(`| ${c} | ${n.toLocaleString("en-US")} | ${(check.cpu / 1000).toFixed(2)} | ${(base.cpu / 1000).toFixed(2)} | ${extra.toFixed(2)} | ${Math.round(check.rss)} | ${growth} |`);
    previous = { n, extra };
  }
}
