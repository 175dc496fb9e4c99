import {createHash} from 'node:crypto'

import {registerSecret} from '../output/redact.js'
import type {ContentSummary} from './types.js'

const PREVIEW_LINES = 5
const PREVIEW_LINE_LENGTH = 80
const MIN_LINE_TO_REGISTER = 8

/** Keeps the shape (punctuation, spacing, key/value separators) and the first character of each word; masks the rest. */
export function maskLine(line: string): string {
  const clipped = line.length > PREVIEW_LINE_LENGTH ? `${line.slice(0, PREVIEW_LINE_LENGTH)}…` : line
  return clipped.replace(/[\p{L}\p{N}]+/gu, (word) => word[0] + '*'.repeat(word.length - 1))
}

function countLines(text: string): number {
  if (text === '') return 0
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

/** Everything vsi says about a rendered file; registers its content so no later output can print it. */
export function summarize(content: string, showPreview: boolean): ContentSummary {
  registerSecret(content.trim())
  // Single lines too (a value may be echoed on its own), but not short ones like `{` or `data` that occur everywhere.
  for (const line of content.split('\n')) if (line.trim().length >= MIN_LINE_TO_REGISTER) registerSecret(line.trim())
  const summary: ContentSummary = {
    bytes: Buffer.byteLength(content),
    lines: countLines(content),
    sha256: createHash('sha256').update(content).digest('hex').slice(0, 12),
  }
  if (showPreview) summary.preview = content.split('\n').slice(0, PREVIEW_LINES).filter((l) => l !== '').map(maskLine).join('\n')
  return summary
}

export function describeSummary(summary: ContentSummary): string {
  return `${summary.bytes} B, ${summary.lines} line${summary.lines === 1 ? '' : 's'}, sha256 ${summary.sha256}`
}

/**
 * Which of the expected keys a rendered secret lacks, whatever the template: a JSON object (also under `data`, as
 * KV v2 renders it), `key: value` / `key=value` / `export KEY=…` lines, or the default template's Go map
 * (`data: map[password:… username:…]`). Go prints map values unquoted, so a value may hold spaces, newlines, colons
 * or brackets and the map cannot be split into pairs; each expected key is looked for where Go writes a key: right
 * after `map[` or after the space that ends the previous value.
 */
export function missingKeys(content: string, expected: string[], secretKeys?: string[]): string[] {
  const json = jsonKeys(content)
  if (json) return expected.filter((key) => !json.has(key))
  // With the secret's own keys (from Vault), Go's output can be read unambiguously: when it is theirs, they are the keys.
  if (secretKeys && rendersKeys(content, secretKeys)) return expected.filter((key) => !secretKeys.includes(key))
  return expected.filter((key) => {
    const name = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const assignment = new RegExp(`^[ \\t]*(?:export[ \\t]+)?${name}[ \\t]*[:=]`, 'm')
    const mapEntry = new RegExp(`(?:map\\[|\\s)${name}:`)
    return !assignment.test(content) && !mapEntry.test(content)
  })
}

/** The keys of a JSON object and of the objects it holds (KV v2's `data`), or undefined when it is not JSON. */
function jsonKeys(content: string): Set<string> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(content)
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
  const keys = new Set<string>()
  for (const [key, value] of Object.entries(parsed)) {
    keys.add(key)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const inner of Object.keys(value)) keys.add(inner)
  }
  return keys
}

/** Go's fmt prints a map's string keys in byte order (internal/fmtsort), as Vault Agent's default template ranges over them. */
function goOrder(keys: string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
}

/**
 * Whether the content can be read as Go's rendering of a map with exactly these keys: `map[k1:v1 k2:v2]` (fmt's %v,
 * KV v2's `data: map[…]`) or one `k: v` line per key (the default template over a KV v1 secret). Values may hold
 * anything, so this asks whether the keys occur as Go writes them, in Go's order, each after the one before; taking
 * each at its first possible place is enough to know (a later place leaves no more room for the rest).
 */
export function rendersKeys(content: string, keys: string[]): boolean {
  const ordered = goOrder(keys)
  if (ordered.length === 0) return /map\[\](?:\n|$)/.test(content)
  const inOrder = (first: (key: string) => string[], next: (key: string) => string, end: RegExp): boolean => {
    let at = -1
    for (const [i, key] of ordered.entries()) {
      const tokens = i === 0 ? first(key) : [next(key)]
      const found = tokens.map((token) => ({token, index: content.indexOf(token, at + 1)})).filter(({index}) => index >= 0)
      if (found.length === 0) return false
      const earliest = found.reduce((a, b) => (b.index < a.index ? b : a))
      at = earliest.index + earliest.token.length - 1
    }
    return end.test(content.slice(at + 1))
  }
  const asMap = inOrder((key) => [`map[${key}:`], (key) => ` ${key}:`, /\](?:\n|$)/)
  const asLines = inOrder((key) => (content.startsWith(`${key}: `) ? [`${key}: `] : [`\n${key}: `]), (key) => `\n${key}: `, /(?:\n|$)/)
  return asMap || asLines
}
