/**
 * The embedded job queue: webhook handlers only enqueue, so every delivery is acknowledged at
 * once. Jobs of one key (one pull request) never overlap, and coalesce: events that arrive while
 * one is waiting cost nothing more, and one that arrives during a run leads to exactly one more
 * run, so the latest state is always evaluated. A job that throws is retried with backoff.
 */
export interface QueueOptions {
  /** Jobs running at once, across keys. */
  concurrency?: number;
  /** Further attempts after a failure. */
  retries?: number;
  /** Wait before attempt n (1-based) of a retry. */
  backoffMs?: (attempt: number) => number;
  onError?: (key: string, error: unknown, final: boolean) => void;
}

interface Entry {
  job: () => Promise<void>;
  running: boolean;
  /** A newer job arrived while this key was running. */
  next?: () => Promise<void>;
}

export class JobQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly ready: string[] = [];
  private active = 0;
  private waiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly retries: number;
  private readonly backoffMs: (attempt: number) => number;

  constructor(private readonly options: QueueOptions = {}) {
    this.concurrency = options.concurrency ?? 4;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? ((n) => 2000 * 4 ** (n - 1));
  }

  /** Queues `job` for `key`; a job already waiting for that key is replaced by this one. */
  submit(key: string, job: () => Promise<void>): void {
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { job, running: false });
      this.ready.push(key);
      this.pump();
    } else if (entry.running) entry.next = job;
    else entry.job = job;
  }

  /** Jobs waiting or running. */
  get depth(): number {
    return this.entries.size;
  }

  /** Resolves when nothing is waiting or running (jobs submitted meanwhile included). */
  idle(): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise((done) => this.waiters.push(done));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const entry = this.entries.get(key)!;
      entry.running = true;
      this.active++;
      void this.run(key, entry.job).then(() => this.finish(key, entry));
    }
  }

  private async run(key: string, job: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await job();
      } catch (e) {
        const final = attempt >= this.retries;
        this.options.onError?.(key, e, final);
        if (final) return;
        await new Promise((r) => setTimeout(r, this.backoffMs(attempt + 1)));
      }
    }
  }

  private finish(key: string, entry: Entry): void {
    this.active--;
    entry.running = false;
    if (entry.next) {
      entry.job = entry.next;
      delete entry.next;
      this.ready.push(key);
    } else this.entries.delete(key);
    this.pump();
    if (this.entries.size === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }
}
