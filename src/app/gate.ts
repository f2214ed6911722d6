/**
 * The webhook endpoint's front door, before Probot: a body over GitHub's 25 MB cap is refused
 * before it is read, and the signature is checked here, so an unverified payload is never
 * buffered beyond the cap, handed on, or logged.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export function webhookGate(secret: string, path: string, maxBytes = MAX_WEBHOOK_BYTES) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://x").pathname !== path) return false;
    const refuse = (status: number, error: string) => {
      res.writeHead(status, { "content-type": "application/json", connection: "close" });
      res.end(JSON.stringify({ error }));
      req.resume();
      return true;
    };
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (!Number.isFinite(declared)) return refuse(411, "Content-Length required");
    if (declared > maxBytes) return refuse(413, `payload over ${maxBytes} bytes`);
    const signature = String(req.headers["x-hub-signature-256"] ?? "");
    if (!signature.startsWith("sha256=")) return refuse(400, "signature missing");
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) return refuse(413, `payload over ${maxBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse(400, "signature does not match");
    // Verified: Probot reads the body from here instead of the consumed stream.
    (req as IncomingMessage & { body?: string }).body = body.toString("utf8");
    return false;
  };
}
