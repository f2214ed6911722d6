/**
 * `npm start`: the app behind its own HTTP server. The environment is checked first; webhooks
 * pass the gate (size, signature) before Probot sees them; badges and /healthz are served too.
 */
import { createServer } from "node:http";
import { createNodeMiddleware, createProbot } from "probot";
import { createApp } from "./app.js";
import { readConfig } from "./config.js";
import { webhookGate } from "./gate.js";
import { AppOctokit } from "./octokit.js";

const config = readConfig(process.env);
if ("error" in config) {
  console.error(`lb-review: ${config.error}`);
  process.exit(1);
}
const probot = createProbot({ overrides: { Octokit: AppOctokit } });
const middleware = await createNodeMiddleware(createApp(), { probot, webhooksPath: config.webhookPath });
const gate = webhookGate(config.webhookSecret, config.webhookPath);
const server = createServer((req, res) => {
  void (async () => {
    if (await gate(req, res)) return;
    await middleware(req, res, () => {
      res.writeHead(404).end();
    });
  })().catch((err: unknown) => {
    probot.log.error({ err }, "request failed");
    if (!res.headersSent) res.writeHead(500).end();
  });
});
server.listen(config.port, config.host, () => probot.log.info(`lb-review listening on http://${config.host}:${config.port}`));
