/**
 * Masked previews render over placeholder data: every value of a secret is replaced by a marker naming its key, so
 * that no byte derived from a live secret (not even `toUpper`, `base64Encode` or `replaceAll` of it) can reach the
 * output, while the real render still decides errors, missing keys and the output's shape.
 */
import {goBytes} from '../go-template/index.js'

/** The marker that stands for the value at `keyPath` (`password`, `nested.k`, `list.0`). */
export function placeholder(keyPath: string): string {
  return `[redacted:${keyPath}]`
}

function replaceLeaves(value: unknown, keyPath: string): unknown {
  if (Array.isArray(value)) return value.map((item, index) => replaceLeaves(item, keyPath === '' ? String(index) : `${keyPath}.${index}`))
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceLeaves(item, keyPath === '' ? key : `${keyPath}.${key}`)]))
  }
  // JSON null stays null: a marker would turn "no value" into a value.
  return value === null ? null : placeholder(keyPath)
}

/** A Vault response whose secret values (`data.data` on KV v2, `data` otherwise) are markers. */
export function placeholderResponse(response: Record<string, unknown>, kvVersion: 1 | 2 | undefined): Record<string, unknown> {
  const data = response.data as Record<string, unknown> | null | undefined
  if (data === null || typeof data !== 'object') return response
  if (kvVersion === 2) return {...response, data: {...data, data: replaceLeaves(data.data ?? null, '')}}
  return {...response, data: replaceLeaves(data, '')}
}

/** What the output looks like when it cannot be shown: its size, never its bytes. */
export interface OutputShape {
  lines: number
  bytes: number
}

export function shapeOf(output: string): OutputShape {
  const lines = output === '' ? 0 : output.split('\n').length - (output.endsWith('\n') ? 1 : 0)
  return {lines, bytes: goBytes(output).length}
}
