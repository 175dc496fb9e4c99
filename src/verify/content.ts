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
 * The keys a rendered secret defines, whatever the template: a JSON object (also under `data`, as KV v2 renders it),
 * `key: value` / `key=value` / `export KEY=…` lines, or the default template's Go map (`data: map[password:… username:…]`).
 */
export function extractKeys(content: string): Set<string> {
  const keys = new Set<string>()
  try {
    const parsed = JSON.parse(content) as unknown
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        keys.add(key)
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const inner of Object.keys(value)) keys.add(inner)
      }
      return keys
    }
  } catch {
    // Not JSON: fall through to the line formats.
  }
  for (const line of content.split('\n')) {
    const assignment = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*[:=]/.exec(line)
    if (assignment) keys.add(assignment[1])
    for (const map of line.matchAll(/map\[([^\]]*)\]/g)) {
      for (const pair of map[1].matchAll(/(?:^|\s)([A-Za-z_][\w.-]*):/g)) keys.add(pair[1])
    }
  }
  return keys
}
