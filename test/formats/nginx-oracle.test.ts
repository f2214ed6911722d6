/**
 * Real `nginx -t` as the oracle for the nginx parser: files it accepts must parse without
 * errors; files it rejects must give an error on the same line. Rejections that depend on
 * this machine (users, DNS, certificates, log paths, third-party modules) prove nothing
 * about syntax and are reported as inconclusive.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNginx } from "../../src/formats/nginx/parse.js";
import { CORPUS_SKIP_REASON, corpusAvailable, corpusFiles } from "../support/corpus.js";

const nginx = spawnSync("which", ["nginx"]).status === 0;
const STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so";
const ENVIRONMENTAL = /getpwnam|host not found|No such file|cannot load certificate|BIO_new_file|dlopen|failed \(13:|open\(\) ".*" failed/;

const fixtureDir = resolve(import.meta.dirname, "../fixtures/nginx");
const fixtures = readdirSync(fixtureDir).map((name) => ({ name, text: readFileSync(join(fixtureDir, name), "utf8") }));

interface Verdict {
  ok: boolean;
  message: string;
  line?: number;
}

/** Runs nginx -t on a sandboxed copy whose line numbers map back to the original. */
function nginxCheck(text: string): Verdict {
  const dir = mkdtempSync(join(tmpdir(), "lbr-nginx-"));
  mkdirSync(join(dir, "logs"));
  const isMain = /^\s*(events|http|stream)\s*\{/m.test(text);
  const prelude = [`pid ${dir}/nginx.pid; error_log stderr;`];
  if (existsSync(STREAM_MODULE) && !/ngx_stream_module/.test(text)) prelude.push(`load_module ${STREAM_MODULE};`);
  if (!/^\s*events\s*\{/m.test(text)) prelude.push("events {}");
  if (!isMain) prelude.push("http {");
  // Same line count: neutralise directives that would clash with the prelude or need this host's users.
  let body = text.replace(/^(\s*)(user|pid)\s[^;]*;/gm, (m) => "#".repeat(m.length));
  // Upstream host names would need DNS: point them at loopback, keeping the line layout.
  body = body.replace(/^(\s*server\s+)(?!unix:)([A-Za-z][-A-Za-z0-9_.]*)(?=[\s:;])/gm, (_m, lead) => `${lead}127.0.0.1`);
  writeFileSync(join(dir, "nginx.conf"), `${prelude.join("\n")}\n${body}\n${isMain ? "" : "}\n"}`);
  const r = spawnSync("nginx", ["-t", "-q", "-c", join(dir, "nginx.conf"), "-p", `${dir}/`], { encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  const message = r.stderr.split("\n").find((l) => l.includes("[emerg]")) ?? r.stderr;
  const line = message.match(/nginx\.conf:(\d+)/)?.[1];
  return { ok: r.status === 0, message, line: line ? Number(line) - prelude.length : undefined };
}

function judge(name: string, text: string): void {
  const verdict = nginxCheck(text);
  const model = parseNginx(text, name);
  const errors = model.diagnostics.filter((d) => d.severity === "error");
  if (verdict.ok) {
    expect(errors, `nginx accepts ${name}`).toEqual([]);
    return;
  }
  if (ENVIRONMENTAL.test(verdict.message)) {
    console.info(`inconclusive: ${name}: nginx -t failed for a reason of this machine: ${verdict.message}`);
    return;
  }
  const at = (d: { loc: { line: number; endLine: number } }) =>
    verdict.line === undefined || (d.loc.line <= verdict.line && verdict.line <= d.loc.endLine);
  // NGINX Plus (or newer nginx) features: we warn rather than fail, by design.
  if (model.diagnostics.some((d) => d.severity === "warning" && /NGINX Plus/.test(d.message) && at(d))) return;
  expect(errors.length, `nginx rejects ${name}: ${verdict.message}`).toBeGreaterThan(0);
  expect(errors.some(at), `${name}: ${verdict.message}; ours: ${JSON.stringify(errors)}`).toBe(true);
}

describe.skipIf(!nginx)("nginx -t oracle: fixtures", () => {
  it("can tell good from bad", () => {
    expect(nginxCheck("upstream u { server 127.0.0.1:80; }").ok).toBe(true);
    expect(nginxCheck("upstream u { server 127.0.0.1:80 weight=0; }").ok).toBe(false);
  });
  it.each(fixtures.map((f) => [f.name, f.text]))("%s", (name, text) => {
    expect(nginxCheck(text).ok).toBe(name.startsWith("ok-"));
    judge(name, text);
  });
});

describe.skipIf(!nginx || !corpusAvailable)(`nginx -t oracle: shared corpus${corpusAvailable ? "" : ` (${CORPUS_SKIP_REASON})`}`, () => {
  it.each(corpusFiles("nginx").map((f) => [f.name, f.text]))("%s", (name, text) => judge(name, text));
});

if (!nginx) console.warn("nginx not installed: nginx -t oracle tests skipped (apt-get install nginx-light)");
