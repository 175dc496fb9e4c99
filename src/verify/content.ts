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
export function missingKeys(content: string, expected: string[]): string[] {
  const json = jsonKeys(content)
  if (json) return expected.filter((key) => !json.has(key))
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
