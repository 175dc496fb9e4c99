/**
 * Promise.all that waits for every promise before it fails: a command that gives up on the first error must not
 * leave requests running while it closes the connection (a port-forward) under them.
 */
export async function settleAll<T extends readonly unknown[]>(promises: readonly [...T]): Promise<{-readonly [K in keyof T]: Awaited<T[K]>}> {
  const results = await Promise.allSettled(promises)
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed) throw failed.reason
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {-readonly [K in keyof T]: Awaited<T[K]>}
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index])
    }
  }
  await Promise.all(Array.from({length: Math.min(Math.max(limit, 1), items.length)}, worker))
  return results
}
