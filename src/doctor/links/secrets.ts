import type {TemplatePreview} from '../../agent/render.js'
import {previewTemplate, suggestedTemplate} from '../../agent/render.js'
import type {SecretLookup} from '../../agent/secret-source.js'
import type {AgentTemplate} from '../../annotations/templates.js'
import {ANNOTATION_PREFIX} from '../../annotations/catalog.js'
import {linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'
import type {DoctorCheck} from '../types.js'

const on = linkChecks('secrets')

/** The check for one secret the agent reads, from what Vault answered for it. */
export function secretCheck(lookup: SecretLookup): DoctorCheck {
  const path = lookup.path
  const where = lookup.apiPath === lookup.path ? path : `${path} (read at ${lookup.apiPath})`
  switch (lookup.state) {
    case 'ok': {
      const data = lookup.response?.data as Record<string, unknown> | undefined
      const values = (lookup.kvVersion === 2 ? data?.data : data) as Record<string, unknown> | undefined
      return on.pass('secret', `${where}: kv v${lookup.kvVersion}, keys ${Object.keys(values ?? {}).sort().join(', ') || '(none)'}`, path)
    }
    case 'destroyed':
      // consul-template (dependency/vault_read.go deletedKVv2) lets a destroyed version that was never deleted
      // through: the agent renders it with .Data.data nil, so it does not retry; the template check says what it writes.
      return on.warn(
        'secret',
        'secret-missing',
        `${lookup.problem}: the default template writes "data: <nil>", a template reading .Data.data fails`,
        'Write a new version (vault kv put) or point the annotation at a live secret.',
        path,
      )
    case 'missing':
    case 'deleted':
      return on.fail(
        'secret',
        'secret-missing',
        `${lookup.problem}: the agent retries forever and the pod stays in Init`,
        lookup.state === 'missing'
          ? `Write it (vault kv put ${lookup.kvVersion === 2 ? lookup.apiPath.replace('/data/', '/') : lookup.apiPath} key=value …) or fix the path in the annotation or template.`
          : `Restore it (vault kv undelete / rollback, or put a new version) or point the annotation at a live secret.`,
        path,
      )
    case 'not-kv':
      return on.skip('secret', `${path}: ${lookup.problem} (vsi reads only KV secrets: reading another engine can create credentials)`, path)
    default:
      return on.skip('secret', `${path}: cannot read it with your token: ${lookup.problem}`, path)
  }
}

function templateCheck(template: AgentTemplate, preview: TemplatePreview): DoctorCheck {
  const subject = template.name
  if (preview.skipped) return on.skip('template-keys', preview.skipped, subject)
  if (preview.errorStage === 'parse') return on.skip('template-keys', `the template does not parse (see the annotation checks): ${preview.error}`, subject)
  const unreadable = preview.secrets.filter((read) => read.state !== 'ok')
  if (preview.error && unreadable.length > 0) return on.skip('template-keys', `its secret ${unreadable.map((r) => r.path).join(', ')} could not be read (see above)`, subject)
  if (preview.error) {
    return on.fail('template-keys', 'template-error', `${template.origin}: Vault Agent fails on it: ${preview.error}`, `Fix the template; vsi template render shows what the agent makes of it.`, subject)
  }
  if (preview.missingKeys.length > 0) {
    const list = preview.missingKeys.map((m) => `${m.reference} (line ${m.line}; ${m.secretPath} has ${m.available.join(', ') || 'no keys'}${m.hint ? `; ${m.hint}` : ''})`)
    const silent = template.errorOnMissingKey ? 'the agent fails on it' : 'the agent writes "<no value>" there and reports nothing'
    return on.fail(
      'template-keys',
      'missing-key',
      `${template.file ?? template.name}: the template reads keys the secret does not have: ${list.join('; ')}; ${silent}`,
      `Fix the keys in ${template.origin}${template.errorOnMissingKey ? '' : `, and set ${ANNOTATION_PREFIX}error-on-missing-key-${template.name}: "true" so that a missing key fails loudly`}.`,
      subject,
    )
  }
  const kv2 = preview.secrets.find((read) => read.kvVersion === 2)
  if (template.defaultType === 'map' && kv2) {
    return on.warn(
      'template-keys',
      'template-format',
      `${template.file}: no template, so the injector's default map template writes "data: map[…]" and "metadata: map[…]" lines (KV v2 keeps the values under data)`,
      `If the app expects key: value lines, add a template:\n${suggestedTemplate(template.name, kv2.path)}`,
      subject,
    )
  }
  const keys = [...new Set(preview.secrets.flatMap((read) => read.keys ?? []))]
  return on.pass('template-keys', `${template.file ?? template.name}: renders; every key it reads exists${keys.length > 0 ? ` (secret keys: ${keys.join(', ')})` : ''}`, subject)
}

/** Link 6: each secret exists and is not deleted, and each template only reads keys the secret has. */
export async function secretChecks(ctx: DoctorContext, skipReason: string | undefined): Promise<DoctorCheck[]> {
  if (skipReason || !ctx.secrets) return [on.skip('secrets', skipReason ?? 'Vault is not available')]
  if (ctx.lookups.length === 0 && ctx.spec.templates.length === 0) return [on.skip('secrets', 'the annotations name no secret')]
  const source = ctx.secrets
  const previews = await Promise.all(ctx.spec.templates.map((template) => previewTemplate(template, source)))
  return [...ctx.lookups.map(secretCheck), ...ctx.spec.templates.map((template, i) => templateCheck(template, previews[i]))]
}
