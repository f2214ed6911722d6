/** Probot wired to a GitHubEmulator, with throttling and retries off so tests see every response. */
import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import type { GitHubEmulator } from "./server.js";

/**
 * The FUNCTION form of `defaults` runs after Probot's own throttle defaults; the object form
 * would be silently overridden (see shared notes, dependencies.md).
 */
export const TestOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { ...(o.throttle as Record<string, unknown> | undefined), enabled: false },
}));

let cachedKey: string | undefined;

/** A throwaway RSA key (PKCS#1 PEM) for the app JWT; the emulator doesn't verify signatures. */
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return cachedKey;
}

export function createTestProbot(gh: GitHubEmulator, opts: { secret?: string; logLevel?: "warn" | "error" | "info" | "debug" } = {}): Probot {
  return new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    secret: opts.secret ?? "test-secret",
    baseUrl: gh.baseUrl,
    Octokit: TestOctokit,
    logLevel: opts.logLevel ?? "warn",
  });
}

/** Env for `createProbot({ env })` / `run()` in the GHE layout. */
export function gheEnv(gh: GitHubEmulator, secret = "test-secret"): Record<string, string> {
  return {
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: secret,
    GHE_HOST: gh.host,
    GHE_PROTOCOL: "http",
    LOG_LEVEL: "warn",
  };
}
