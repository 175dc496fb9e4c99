/** Rules about inline templates (agent-inject-template-NAME), checked with vsi's Go text/template parser. */
import type {ParsedTemplate} from '../../go-template/index.js'
import {fieldReferences, parseTemplate, secretCalls, TemplateSyntaxError} from '../../go-template/index.js'
import {annotationKey} from '../catalog.js'
import type {InjectedSecret} from '../secrets.js'
import {secretsOf} from './pod.js'
import type {AnnotationEntry, Finding, Location, PodTarget} from './types.js'

interface TemplateUnderTest {
  secret: InjectedSecret
  entry: AnnotationEntry
  /** Undefined when it does not parse. */
  parsed?: ParsedTemplate
  error?: TemplateSyntaxError
}

/** A position inside the template, as a file position (the template's own start when it cannot be mapped). */
const at = (entry: AnnotationEntry, line: number, col: number): Location => entry.positionInValue(line, col) ?? entry.valueAt

const parsedTemplates = new WeakMap<PodTarget, TemplateUnderTest[]>()

/** The pod's inline templates, parsed once per target (three rules read them). */
function templatesOf(target: PodTarget): TemplateUnderTest[] {
  let templates = parsedTemplates.get(target)
  if (!templates) parsedTemplates.set(target, (templates = parseAll(target)))
  return templates
}

function parseAll(target: PodTarget): TemplateUnderTest[] {
  const value = (base: string, rawName: string): string | undefined =>
    target.annotations.find((entry) => entry.key === annotationKey(`${base}-${rawName}`))?.value || undefined
  return secretsOf(target).flatMap((secret): TemplateUnderTest[] => {
    const entry = target.annotations.find((item) => item.key === annotationKey(`agent-inject-template-${secret.rawName}`))
    if (!entry || secret.template === '' || entry.nonStringType) return []
    try {
      const parsed = parseTemplate(secret.template, {
        leftDelim: value('agent-template-left-delim', secret.rawName),
        rightDelim: value('agent-template-right-delim', secret.rawName),
      })
      return [{secret, entry, parsed}]
    } catch (error) {
      if (error instanceof TemplateSyntaxError) return [{secret, entry, error}]
      throw error
    }
  })
}

export function templateSyntax(target: PodTarget): Finding[] {
  return templatesOf(target).flatMap(({secret, entry, error}) =>
    error
      ? [
          {
            rule: 'template-syntax' as const,

            injector: 'admits' as const,
            severity: 'error' as const,
            message: `agent-inject-template-${secret.rawName}: ${error.message}: Vault Agent cannot parse it and fails to start`,
            hint: 'fix the template: every {{ with }}, {{ range }} and {{ if }} needs an {{ end }}, and only Go and consul-template functions exist',
            at: at(entry, error.line, error.col),
          },
        ]
      : [],
  )
}

/**
 * With a template, agent-inject-secret-NAME's path is not read (only the default template uses it); a different
 * path in the template usually means the policy or the annotation is wrong.
 */
export function templatePathMismatch(target: PodTarget): Finding[] {
  return templatesOf(target).flatMap(({secret, entry, parsed}) => {
    if (!parsed || secret.path === '') return []
    const calls = secretCalls(parsed)
    if (calls.length === 0 || calls.some((call) => sameSecret(call.path, secret.path))) return []
    const [call] = calls
    return [
      {
        rule: 'template-path-mismatch' as const,

        injector: 'admits' as const,
        severity: 'warning' as const,
        message:
          `the template of "${secret.rawName}" reads secret ${JSON.stringify(call!.path)}, but agent-inject-secret-${secret.rawName} is ${JSON.stringify(secret.path)}: ` +
          'with a template the annotation path is not used; the Vault policy must allow reading the template\'s path',
        hint: `make agent-inject-secret-${secret.rawName} and the template's secret "…" path the same`,
        at: at(entry, call!.line, call!.col),
      },
    ]
  })
}

/** Vault Agent reads `mount/x` of a KV v2 mount as `mount/data/x`, so those two spell the same secret. */
function sameSecret(a: string, b: string): boolean {
  const [short, long] = [trimSlashes(a), trimSlashes(b)].sort((x, y) => x.length - y.length) as [string, string]
  if (short === long) return true
  for (let index = long.indexOf('/data/'); index >= 0; index = long.indexOf('/data/', index + 1)) {
    if (`${long.slice(0, index)}${long.slice(index + 5)}` === short) return true
  }
  return false
}

const trimSlashes = (path: string): string => path.replace(/^\/+|\/+$/g, '')

const KV2_ENVELOPE = new Set(['data', 'metadata'])

/** KV v2 reads return {data, metadata} under .Data, so `.Data.password` renders "<no value>". */
export function kv2DataPath(target: PodTarget): Finding[] {
  return templatesOf(target).flatMap(({entry, parsed}) => {
    if (!parsed) return []
    return fieldReferences(parsed).flatMap((ref) => {
      const chain = ref.secretChain ?? ref.chain
      if (!ref.inSecretWith?.includes('/data/') || chain[0] !== 'Data' || chain[1] === undefined || KV2_ENVELOPE.has(chain[1])) return []
      const written = `.${ref.chain.join('.')}`
      const fixed = `.Data.data.${chain.slice(1).join('.')}`
      return [
        {
          rule: 'kv2-data-path' as const,

          injector: 'admits' as const,
          severity: 'error' as const,
          message: `${written} reads ${JSON.stringify(chain[1])} at the top of KV v2 secret ${JSON.stringify(ref.inSecretWith)}, whose .Data is {data, metadata}: it renders "<no value>"`,
          hint: ref.chain[0] === 'Data' ? `read ${fixed}` : `read ${fixed}: use .Data.data where the enclosing with/range uses .Data`,
          at: at(entry, ref.line, ref.col),
        },
      ]
    })
  })
}
