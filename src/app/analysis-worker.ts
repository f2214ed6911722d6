/** A worker thread of the analyzer pool: the engine, off the app's event loop. */
import { parentPort } from "node:worker_threads";
import { analyze, type SourceFile } from "../engine/analyze.js";
import { DEFAULT_CACHE_BYTES, ModelCache } from "../engine/model-cache.js";
import { initFormats } from "../formats/index.js";
import type { LoadedPolicy } from "../policy/load.js";

await initFormats();
// Kept across evaluations: each push to a pull request re-reads mostly the same files.
const cache = new ModelCache(DEFAULT_CACHE_BYTES, true);
parentPort!.on("message", (job: { before: SourceFile[]; after: SourceFile[]; policy: LoadedPolicy }) => {
  try {
    parentPort!.postMessage({ analysis: analyze(job.before, job.after, job.policy, cache) });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
