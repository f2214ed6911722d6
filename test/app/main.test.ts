/** `npm start` as an operator runs it: configuration checked up front, webhooks gated before Probot. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { request } from "node:http";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testPrivateKey } from "../emulator/index.js";

const MAIN = resolve(import.meta.dirname, "../../dist/src/app/main.js");
const base = () => ({ PATH: process.env.PATH ?? "", APP_ID: "1", PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: "s3cret", LOG_LEVEL: "info" as const, HOST: "127.0.0.1" });

describe("start-up configuration", () => {
  const start = (env: Record<string, string>) => spawnSync(process.execPath, [MAIN], { env: { ...base(), ...env }, encoding: "utf8", timeout: 20_000 });

  it("an unwritable audit log stops the app with one line", () => {
    const r = start({ LB_REVIEW_AUDIT_LOG: "/nonexistent-dir/audit.jsonl" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^lb-review: LB_REVIEW_AUDIT_LOG \/nonexistent-dir\/audit.jsonl cannot be written/)]);
  });

  it("an invalid private key stops the app with one line", () => {
    const r = start({ PRIVATE_KEY: "not a key" });
    expect([r.status, r.stderr.trim()]).toEqual([1, "lb-review: PRIVATE_KEY (or the file PRIVATE_KEY_PATH names) is not a PEM private key"]);
  });

  it("a missing APP_ID says what to set", () => {
    const r = start({ APP_ID: "" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("APP_ID must be the GitHub App's numeric id");
  });
});

describe("the webhook gate", () => {
  let child: ChildProcess | undefined;
  let output = "";
  afterEach(() => child?.kill());

  async function boot(): Promise<number> {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    child = spawn(process.execPath, [MAIN], { env: { ...base(), PORT: String(port) } });
    output = "";
    const collect = (d: Buffer) => (output += d.toString());
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    for (let i = 0; i < 200 && !output.includes("listening"); i++) await new Promise((r) => setTimeout(r, 50));
    return port;
  }

  const post = (port: number, body: Buffer, headers: Record<string, string>) =>
    new Promise<number>((done, fail) => {
      const req = request({ host: "127.0.0.1", port, path: "/api/github/webhooks", method: "POST", headers: { "content-length": String(body.length), ...headers } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "EPIPE" || (e as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : fail(e)));
      req.end(body);
    });

  it("refuses a body over 25 MB, rejects a bad signature without logging the payload, and stays healthy", { timeout: 60_000 }, async () => {
    const port = await boot();
    const headers = { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": "d-1" };
    expect(await post(port, Buffer.alloc(26 * 1024 * 1024, 32), { ...headers, "x-hub-signature-256": "sha256=00" })).toBe(413);
    const payload = Buffer.from(JSON.stringify({ action: "opened", marker: "UNVERIFIED-MARKER-42" }));
    expect(await post(port, payload, { ...headers, "x-hub-signature-256": "sha256=0000" })).toBe(400);
    const signed = `sha256=${createHmac("sha256", "s3cret").update(payload).digest("hex")}`;
    expect(await post(port, payload, { ...headers, "x-hub-signature-256": signed })).toBe(200);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(output).not.toContain("UNVERIFIED-MARKER-42");
  });
});
