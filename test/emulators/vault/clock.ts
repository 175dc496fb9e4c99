// The emulator's notion of "now". Tests move it forward to expire tokens or JWTs
// without sleeping.

export interface Stamp {
  ms: number
  /** RFC 3339 with nanoseconds and trailing zeros trimmed, like Go's time.RFC3339Nano. */
  text: string
}

export class Clock {
  private offsetMs = 0

  nowMs(): number {
    return Date.now() + this.offsetMs
  }

  advance(ms: number): void {
    this.offsetMs += ms
  }

  stamp(): Stamp {
    const ms = this.nowMs()
    // Real Vault prints nanosecond timestamps; the sub-millisecond digits come from hrtime.
    const subMs = Number(process.hrtime.bigint() % 1_000_000n)
    return {ms, text: rfc3339Nano(ms, subMs)}
  }

  stampAt(ms: number): Stamp {
    return {ms, text: rfc3339Nano(ms, 0)}
  }
}

export function rfc3339Nano(ms: number, subMsNanos = 0): string {
  const iso = new Date(ms).toISOString() // 2024-05-01T10:00:00.123Z
  const nanos = `${iso.slice(20, 23)}${String(subMsNanos).padStart(6, '0')}`.replace(/0+$/, '')
  return `${iso.slice(0, 19)}${nanos === '' ? '' : `.${nanos}`}Z`
}
