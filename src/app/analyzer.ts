/**
 * The engine for the app, in worker threads with a deadline: a large or hostile config never
 * stalls webhooks, /healthz or other repositories, and one that runs too long is stopped and
 * reported, never waited on.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Analysis, SourceFile } from "../engine/analyze.js";
import type { LoadedPolicy } from "../policy/load.js";
import { NotEvaluated } from "./github/octokit.js";

export type Analyzer = (before: SourceFile[], after: SourceFile[], policy: LoadedPolicy) => Promise<Analysis>;

export const ANALYSIS_DEADLINE_MS = Number(process.env.LB_REVIEW_ANALYSIS_DEADLINE_MS ?? 60_000);

/** The compiled worker beside this file; from the TypeScript sources (tests), the build's. */
function workerFile(): string {
  const here = fileURLToPath(new URL("./analysis-worker.js", import.meta.url));
  return existsSync(here) ? here : resolve(dirname(fileURLToPath(import.meta.url)), "../../dist/src/app/analysis-worker.js");
}

interface Slot {
  worker: Worker | undefined;
  busy: boolean;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly waiting: (() => void)[] = [];

  constructor(
    size = 2,
    private readonly deadlineMs = ANALYSIS_DEADLINE_MS,
  ) {
    this.slots = Array.from({ length: size }, () => ({ worker: undefined, busy: false }));
  }

  readonly analyze: Analyzer = async (before, after, policy) => {
    const slot = await this.acquire();
    try {
      return await this.run(slot, { before, after, policy });
    } finally {
      slot.busy = false;
      this.waiting.shift()?.();
    }
  };

  private async acquire(): Promise<Slot> {
    for (;;) {
      const free = this.slots.find((s) => !s.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private run(slot: Slot, job: unknown): Promise<Analysis> {
    const worker = (slot.worker ??= this.spawn());
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        cleanup();
        // A runaway analysis is stopped; the next job gets a fresh worker.
        slot.worker = undefined;
        void worker.terminate();
        fail(new NotEvaluated(`the analysis did not finish within ${Math.round(this.deadlineMs / 100) / 10} s`));
      }, this.deadlineMs);
      const onMessage = (m: { analysis?: Analysis; error?: string }) => {
        cleanup();
        if (m.analysis) done(m.analysis);
        else fail(new Error(`analysis failed: ${m.error ?? "unknown error"}`));
      };
      const onError = (e: Error) => {
        cleanup();
        slot.worker = undefined;
        fail(e);
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.postMessage(job);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(workerFile());
    // Idle workers never keep the process alive.
    worker.unref();
    return worker;
  }
}

let shared: WorkerPool | undefined;

/** One pool per process, shared by every app instance in it. */
export function sharedPool(): WorkerPool {
  shared ??= new WorkerPool();
  return shared;
}
