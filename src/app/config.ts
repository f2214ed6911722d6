/**
 * The environment checked before anything starts: a mistake stops the app with one line naming
 * the variable, never at the first webhook.
 */
import { createPrivateKey } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";

export interface AppConfig {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  webhookPath: string;
  port: number;
  host: string;
  auditLog?: string;
}

export function readConfig(env: NodeJS.ProcessEnv): AppConfig | { error: string } {
  const appId = env.APP_ID ?? "";
  if (!/^\d+$/.test(appId)) return { error: "APP_ID must be the GitHub App's numeric id (its settings page shows it)" };
  let privateKey = env.PRIVATE_KEY?.replace(/\\n/g, "\n") ?? "";
  if (!privateKey && env.PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(env.PRIVATE_KEY_PATH, "utf8");
    } catch {
      return { error: `PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH} cannot be read` };
    }
  }
  try {
    createPrivateKey(privateKey);
  } catch {
    return { error: "PRIVATE_KEY (or the file PRIVATE_KEY_PATH names) is not a PEM private key" };
  }
  const webhookSecret = env.WEBHOOK_SECRET ?? "";
  if (!webhookSecret) return { error: "WEBHOOK_SECRET is required: the app refuses unsigned deliveries" };
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: `PORT ${env.PORT} is not a port number` };
  const config: AppConfig = { appId, privateKey, webhookSecret, webhookPath: env.WEBHOOK_PATH || "/api/github/webhooks", port, host: env.HOST || "0.0.0.0" };
  if (env.LB_REVIEW_AUDIT_LOG) {
    try {
      appendFileSync(env.LB_REVIEW_AUDIT_LOG, "");
    } catch (e) {
      return { error: `LB_REVIEW_AUDIT_LOG ${env.LB_REVIEW_AUDIT_LOG} cannot be written (${(e as NodeJS.ErrnoException).code ?? "error"}); create its directory or unset it to log the audit` };
    }
    config.auditLog = env.LB_REVIEW_AUDIT_LOG;
  }
  return config;
}
