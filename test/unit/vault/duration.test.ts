import {describe, expect, it} from 'vitest'

import {formatSeconds, parseTtlSeconds} from '../../../src/duration.js'

describe('TTL parsing', () => {
  it('reads seconds and Go durations as Vault does', () => {
    expect(parseTtlSeconds('24h')).toBe(86_400)
    expect(parseTtlSeconds('1h30m')).toBe(5400)
    expect(parseTtlSeconds('3600')).toBe(3600)
    expect(parseTtlSeconds('1.5h')).toBe(5400)
    expect(parseTtlSeconds('2d')).toBe(172_800)
  })

  it('rejects what Vault would reject', () => {
    for (const bad of ['', 'abc', '-1h', '1 h', 'h', '24hours']) expect(parseTtlSeconds(bad), bad).toBeUndefined()
  })

  it('formats seconds back into a duration', () => {
    expect(formatSeconds(86_400)).toBe('24h')
    expect(formatSeconds(5430)).toBe('1h30m30s')
    expect(formatSeconds(0)).toBe('0s')
  })
})
