import {redact} from './redact.js'

let enabled = false

export function enableDebug(): void {
  enabled = true
}

export function debugEnabled(): boolean {
  return enabled
}

/** Debug lines go to stderr, through the same redaction as everything else. */
export function debug(message: string): void {
  if (enabled) process.stderr.write(`${redact(`[debug] ${message}`)}\n`)
}
