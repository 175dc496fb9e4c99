import {color} from '../output/terminal.js'
import type {Check, VerifyResult} from './types.js'

const STATUS_TEXT = {
  pass: () => color.green('ok'),
  fail: () => color.red('FAIL'),
  skip: () => color.dim('skip'),
}

function checkLabel(check: Check): string {
  if (check.check === 'file') return check.file ?? 'file'
  if (check.check === 'expect') return `  ${check.expectation ?? 'expectation'}`
  return check.check
}

function detailOf(check: Check): string {
  if (check.failure) return check.failure.reason
  return check.detail ?? ''
}

/** Pads to a visible width: colour escapes take no room on screen. */
function pad(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/\u001B\[[0-9;]*m/g, '').length
  return text + ' '.repeat(Math.max(width - visible, 0))
}

/** The human report: one table row per check, a fix line under each failure, then a one-line summary. */
export function renderReport(result: VerifyResult): string {
  const rows = result.pods.flatMap((pod) =>
    pod.checks.map((check, index) => ({pod: index === 0 ? pod.pod : '', check, label: checkLabel(check)})),
  )
  const podWidth = Math.max(3, ...rows.map((r) => r.pod.length))
  const checkWidth = Math.max(5, ...rows.map((r) => r.label.length))
  const lines = [
    `${result.target} in namespace ${result.namespace}: ${result.pods.length} pod${result.pods.length === 1 ? '' : 's'}`,
    '',
    color.bold(`${pad('POD', podWidth)}  ${pad('CHECK', checkWidth)}  ${pad('RESULT', 6)}  DETAIL`),
  ]
  for (const row of rows) {
    lines.push(`${pad(row.pod, podWidth)}  ${pad(row.label, checkWidth)}  ${pad(STATUS_TEXT[row.check.status](), 6)}  ${detailOf(row.check)}`.trimEnd())
    if (row.check.failure) lines.push(`${' '.repeat(podWidth + checkWidth + 14)}${color.dim('fix:')} ${row.check.failure.hint}`)
    if (row.check.content?.preview) {
      for (const previewLine of row.check.content.preview.split('\n')) lines.push(`${' '.repeat(podWidth + checkWidth + 14)}${color.dim('│')} ${previewLine}`)
    }
  }
  const {summary} = result
  const counts = [`${summary.passed} passed`, `${summary.failed} failed`, ...(summary.skipped > 0 ? [`${summary.skipped} skipped`] : [])]
  lines.push('', `${summary.pods} pod${summary.pods === 1 ? '' : 's'}, ${summary.checks} checks: ${counts.join(', ')} (${result.seconds}s)`)
  return lines.join('\n')
}
