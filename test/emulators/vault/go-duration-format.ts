// How Vault prints durations in its answers (e.g. delete_version_after "0s", token TTLs): Go's time.Duration.String.

/** Go's time.Duration.String() for a whole number of seconds. */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s'
  const sign = seconds < 0 ? '-' : ''
  let rest = Math.abs(seconds)
  const h = Math.floor(rest / 3600)
  rest -= h * 3600
  const m = Math.floor(rest / 60)
  const s = rest - m * 60
  if (h > 0) return `${sign}${h}h${m}m${s}s`
  if (m > 0) return `${sign}${m}m${s}s`
  return `${sign}${s}s`
}

