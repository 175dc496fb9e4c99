import {goBytes} from '../go-template/index.js'
import type {TemplatePreview} from '../agent/render.js'
import {previewPassed} from '../agent/render.js'
import {color} from '../output/terminal.js'

export interface TemplateRenderResult {
  /** The file rendered from, `stdin`, or `deployment/NAME`. */
  source: string
  /** Where `secret "…"` was answered from. */
  secrets: 'vault' | 'fixture'
  /** Values read from Vault are masked in the output (no --show-secrets). */
  masked: boolean
  passed: boolean
  templates: TemplatePreview[]
}

function indentBlock(text: string, prefix: string): string[] {
  return text.split('\n').map((line, index) => (index === 0 ? line : `${prefix}${line}`))
}

function describeSecrets(preview: TemplatePreview): string[] {
  return preview.secrets.map((read) => {
    const kind = read.kvVersion ? `kv v${read.kvVersion}` : 'not KV'
    const via = read.apiPath !== read.path ? ` (read at ${read.apiPath})` : ''
    const what = read.state === 'ok' ? `${kind}, keys ${read.keys?.join(', ') || '(none)'}` : (read.problem ?? read.state)
    return `${read.path}${via}: ${what}`
  })
}

function renderOne(preview: TemplatePreview): string[] {
  const label = (text: string) => color.dim(text.padEnd(9))
  const lines = [color.bold(`${preview.name}${preview.file ? ` → ${preview.file}` : ''}`), `  ${label('template')} ${preview.origin}`]
  for (const secret of describeSecrets(preview)) lines.push(`  ${label('secret')} ${secret}`)
  if (preview.skipped) lines.push(`  ${label('skipped')} ${preview.skipped}`)
  if (preview.output !== undefined) {
    lines.push(`  ${color.dim('┌──')}`)
    const body = preview.output.endsWith('\n') ? preview.output.slice(0, -1) : preview.output
    for (const line of body.split('\n')) lines.push(`  ${color.dim('│')} ${line}`)
    lines.push(`  ${color.dim('└──')}${preview.output.endsWith('\n') ? '' : color.dim(' (no final newline)')}`)
  }
  if (preview.output === undefined && preview.shape && preview.hidden) {
    const {lines: count, bytes} = preview.shape
    lines.push(`  ${label('hidden')} ${count} line${count === 1 ? '' : 's'}, ${bytes} byte${bytes === 1 ? '' : 's'}: ${indentBlock(preview.hidden, ' '.repeat(12)).join('\n')}`)
  }
  for (const missing of preview.missingKeys) {
    const available = missing.available.length > 0 ? `keys: ${missing.available.join(', ')}` : 'no keys'
    lines.push(
      `  ${color.red('missing'.padEnd(9))} ${missing.reference} (line ${missing.line}): ${missing.secretPath} has no key "${missing.key}" (${available})${missing.hint ? `; ${missing.hint}` : ''}`,
    )
  }
  if (preview.error) lines.push(`  ${color.red('error'.padEnd(9))} ${indentBlock(preview.error, ' '.repeat(12)).join('\n')}`)
  for (const note of preview.notes) lines.push(`  ${color.yellow('note'.padEnd(9))} ${indentBlock(note, ' '.repeat(12)).join('\n')}`)
  return lines
}

/** The human output of `vsi template render`: per file, its template, the secrets read, the rendered text and the problems. */
export function renderTemplateReport(result: TemplateRenderResult, outputFile?: string): string {
  const lines = result.templates.flatMap((preview, index) => [...(index > 0 ? [''] : []), ...renderOne(preview)])
  const failed = result.templates.filter((preview) => !previewPassed(preview)).length
  lines.push('', `${result.templates.length} template${result.templates.length === 1 ? '' : 's'} from ${result.source}: ${failed === 0 ? 'all render' : `${failed} with problems`}`)
  const written = result.templates[0]?.output
  if (outputFile !== undefined) lines.push(written === undefined ? `Nothing written to ${outputFile}: the template does not render.` : `Wrote ${outputFile} (${goBytes(written).length} bytes).`)
  if (result.masked) lines.push(color.dim('Values read from Vault are shown as [redacted:KEY]; --show-secrets prints them.'))
  return lines.join('\n')
}
