/**
 * The controller loop: controllers enqueue keys, the queue drains them on the next macrotask, one key at a time,
 * deduplicated. `settle()` resolves once nothing is queued and no tracked async work (agent HTTP calls) is pending.
 */
export class WorkQueue {
  private readonly queued = new Map<string, () => void | Promise<void>>()
  private pending = 0
  private scheduled = false
  private waiters: Array<() => void> = []
  private stopped = false

  enqueue(key: string, work: () => void | Promise<void>): void {
    if (this.stopped) return
    this.queued.set(key, work)
    this.schedule()
  }

  /** Counts an async task so settle() waits for it. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.pending++
    const done = () => {
      this.pending--
      this.schedule()
    }
    promise.then(done, done)
    return promise
  }

  settle(): Promise<void> {
    if (this.idle()) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  stop(): void {
    this.stopped = true
    this.queued.clear()
    this.release()
  }

  private idle(): boolean {
    return this.queued.size === 0 && this.pending === 0
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.drain())
  }

  private drain(): void {
    this.scheduled = false
    // Bounded so a controller that keeps re-enqueueing itself cannot starve the event loop.
    for (let i = 0; i < 1000 && this.queued.size; i++) {
      const [key, work] = this.queued.entries().next().value as [string, () => void | Promise<void>]
      this.queued.delete(key)
      try {
        const result = work()
        if (result instanceof Promise) this.track(result.catch((error: unknown) => reportBug(key, error)))
      } catch (error) {
        reportBug(key, error)
      }
    }
    if (this.queued.size) this.schedule()
    else if (this.idle()) this.release()
  }

  private release(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

function reportBug(key: string, error: unknown): void {
  // A controller crash is an emulator bug: surface it loudly rather than leave a test waiting.
  console.error(`kube emulator: controller ${key} failed:`, error)
}
