// Runs a Dockerfile's COPY/RUN/WORKDIR/ENV steps in scratch directories, one per stage, then
// its ENTRYPOINT with smoke-test arguments. No Docker engine runs here, so this is how CI keeps
// the image recipe honest. Only the instructions the Dockerfile uses are supported.
import { execSync, spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const context = resolve(import.meta.dirname, "..");
const lines = readFileSync(join(context, "Dockerfile"), "utf8")
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
const scratch = mkdtempSync(join(tmpdir(), "dockerfile-"));
const stages = new Map();
let stage;
let entrypoint = [];
const inStage = (s, path) => join(s.root, path.startsWith("/") ? path : join(s.workdir, path));

for (const line of lines) {
  const [op, ...restWords] = line.split(/\s+/);
  const rest = line.slice(op.length).trim();
  switch (op.toUpperCase()) {
    case "FROM": {
      const name = rest.split(/\s+as\s+/i)[1] ?? `stage${stages.size}`;
      stage = { root: join(scratch, name), workdir: "/", env: {} };
      mkdirSync(stage.root, { recursive: true });
      stages.set(name, stage);
      break;
    }
    case "WORKDIR":
      stage.workdir = rest;
      mkdirSync(inStage(stage, rest), { recursive: true });
      break;
    case "ENV":
      for (const [, k, v] of rest.matchAll(/(\w+)=(\S+)/g)) stage.env[k] = v;
      break;
    case "COPY": {
      const from = restWords[0].startsWith("--from=") ? stages.get(restWords.shift().slice(7)) : null;
      const dest = restWords.pop();
      for (const src of restWords) {
        const source = from ? inStage(from, src) : join(context, src);
        const target = dest.endsWith("/") ? join(inStage(stage, dest), src.split("/").filter(Boolean).pop()) : inStage(stage, dest);
        cpSync(source, target, { recursive: true });
      }
      break;
    }
    case "RUN":
      console.log(`RUN ${rest}`);
      execSync(rest, { cwd: inStage(stage, "."), stdio: "inherit", env: { ...process.env, ...stage.env } });
      break;
    case "ENTRYPOINT":
      entrypoint = JSON.parse(rest);
      break;
    case "CMD":
    case "EXPOSE":
    case "USER":
    case "LABEL":
    case "HEALTHCHECK":
      break;
    default:
      throw new Error(`unsupported Dockerfile instruction: ${op}`);
  }
}

const cwd = inStage(stage, ".");
const env = { ...process.env, ...stage.env };
const run = (args) => spawnSync(entrypoint[0], [...entrypoint.slice(1), ...args], { cwd, encoding: "utf8", env });
const help = run(["--help"]);
const check = run(["check", "--base", "examples/incident/before", "--head", "examples/incident/after"]);
if (help.status !== 0 || check.status !== 1 || !check.stdout.includes("risk CRITICAL")) {
  console.error(help.stderr, check.stdout, check.stderr);
  throw new Error(`image smoke test failed: --help exit ${help.status}, check exit ${check.status}`);
}
console.log("image smoke test: --help ok; incident check exits 1 with risk CRITICAL");

// The app from the same production install: start it and ask /healthz.
const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const port = 39000 + Math.floor(Math.random() * 1000);
const app = spawn("node", ["dist/src/app/main.js"], {
  cwd,
  env: { ...env, APP_ID: "1", PRIVATE_KEY: key, WEBHOOK_SECRET: "ci", PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
  stdio: ["ignore", "inherit", "inherit"],
});
let healthy = false;
for (let i = 0; i < 50 && !healthy; i++) {
  await new Promise((r) => setTimeout(r, 200));
  healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
}
app.kill();
rmSync(scratch, { recursive: true, force: true });
if (!healthy) throw new Error("image smoke test failed: the app did not answer /healthz");
console.log("image smoke test: the app starts and /healthz answers");
