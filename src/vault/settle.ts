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
