import {color} from '../output/terminal.js'
import type {DoctorCheck, DoctorLink, DoctorResult} from './types.js'
import {LINK_TITLES} from './types.js'

const STATUS_TEXT: Record<DoctorCheck['status'], () => string> = {
  pass: () => color.green('ok  '),
  warn: () => color.yellow('WARN'),
  fail: () => color.red('FAIL'),
  skip: () => color.dim('skip'),
}

const LINKS = Object.keys(LINK_TITLES) as DoctorLink[]

/** Continuation lines of a multi-line text (a suggested template) under the first, at `indent`. */
function indented(text: string, indent: number): string {
  return text.split('\n').join(`\n${' '.repeat(indent)}`)
}

/** The human report: the checks of each link in chain order, the fix under each failure and warning, then a summary line. */
export function renderDoctorReport(result: DoctorResult): string {
  const idWidth = Math.max(...result.checks.map((c) => c.check.length), 10)
  const textIndent = 3 + 4 + 2 + idWidth + 2
  const lines = [
    color.bold(`${result.target} in namespace ${result.namespace}`),
    color.dim(`service account ${result.serviceAccount ?? '(unknown)'}, role ${result.role ?? '(none)'}, ${result.authPath}${result.offline ? ', offline' : ''}`),
  ]
  LINKS.forEach((link, index) => {
    const checks = result.checks.filter((c) => c.link === link)
    if (checks.length === 0) return
    lines.push('', color.bold(`${index + 1}. ${LINK_TITLES[link]}`))
    for (const check of checks) {
      const text = check.failure?.reason ?? check.detail ?? ''
      lines.push(`   ${STATUS_TEXT[check.status]()}  ${check.check.padEnd(idWidth)}  ${indented(text, textIndent)}`.trimEnd())
      if (check.failure) lines.push(`${' '.repeat(textIndent)}${color.dim('fix:')} ${indented(check.failure.hint, textIndent + 5)}`)
    }
  })
  const {summary} = result
  const counts = [`${summary.passed} ok`, `${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}`, `${summary.failed} failed`, `${summary.skipped} skipped`]
  lines.push('', `${summary.checks} checks: ${counts.join(', ')} (${result.seconds}s)`)
  if (summary.failed === 0 && summary.skipped > 0) lines.push(color.dim('Skipped checks were not verified: see why above.'))
  return lines.join('\n')
}
