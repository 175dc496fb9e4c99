/** Rules about annotation values: YAML types the API server refuses, and values the injector or Agent refuses. */
import {checkValue} from '../values.js'
import {mayBeInjected} from './injected-pod.js'
import {secretsOf, shortKey, specOf} from './pod.js'
import type {AnnotationEntry, Finding, PodTarget} from './types.js'

/** The Go type encoding/json names when a YAML value lands in `map[string]string`. */
const GO_JSON_TYPES: Record<NonNullable<AnnotationEntry['nonStringType']>, string> = {
  boolean: 'bool',
  number: 'number',
  map: 'object',
  sequence: 'array',
  other: 'value',
}

export function nonStringValue(target: PodTarget): Finding[] {
  return [...target.annotations, ...target.workloadAnnotations].flatMap((entry) => {
    if (!entry.nonStringType) return []
    const scalar = entry.nonStringType !== 'map' && entry.nonStringType !== 'sequence'
    const shown = scalar ? `the value ${entry.value}` : 'the value'
    return [
      {
        rule: 'non-string-value' as const,

        injector: 'api-server-refuses' as const,
        severity: 'error' as const,
        message:
          `${entry.key}: ${shown} is a YAML ${entry.nonStringType}, but annotation values must be strings; ` +
          `kubectl fails with "json: cannot unmarshal ${GO_JSON_TYPES[entry.nonStringType]} into Go struct field ObjectMeta.metadata.annotations of type string"`,
        hint: scalar ? quoteHint(entry) : 'write the value as one string (a JSON text in quotes, or a literal block with |)',
        at: entry.valueAt,
      },
    ]
  })
}

/** YAML 1.1 spellings of true, which kubectl reads as a boolean and Go's strconv.ParseBool refuses once quoted. */
const YAML_TRUE = /^(y|yes|on)$/i
const YAML_FALSE = /^(n|no|off)$/i

/** Quoting must give a value the injector accepts: `yes` quoted is "yes", which ParseBool refuses, so say "true". */
function quoteHint(entry: AnnotationEntry): string {
  const spec = specOf(entry)
  const refused = spec !== undefined && checkValue(spec.kind, entry.value)?.outcome === 'rejected'
  if (refused && entry.nonStringType === 'boolean' && (YAML_TRUE.test(entry.value) || YAML_FALSE.test(entry.value))) {
    return `write it as a quoted boolean the injector accepts: ${entry.key}: "${YAML_TRUE.test(entry.value)}"`
  }
  return `quote it: ${entry.key}: "${entry.value}"`
}

/**
 * Values the injector's parsers refuse (`invalid-value`: the pod is denied) and values that pass the injector but
 * that Vault Agent refuses or that are silently replaced (`runtime-invalid-value`).
 */
export function invalidValue(target: PodTarget): Finding[] {
  // agent-inject itself is parsed by ShouldInject for every pod; the other keys only when the pod is injected.
  const injected = mayBeInjected(target)
  const secretNames = new Set(secretsOf(target).map((secret) => secret.rawName))
  return target.annotations.flatMap((entry) => {
    if (entry.nonStringType === 'map' || entry.nonStringType === 'sequence') return []
    const spec = specOf(entry)
    // vault-k8s annotations.go secrets() reads a per-secret option only for a secret that exists (by its raw NAME):
    // an orphan's value is never parsed (orphan-secret-option reports the key).
    if (spec?.secretName !== undefined && !spec.createsSecret && !secretNames.has(spec.secretName)) return []
    const problem = spec && checkValue(spec.kind, entry.value)
    if (!problem) return []
    const rejected = problem.outcome === 'rejected'
    const read = injected || spec.base === 'agent-inject'
    const consequence = read ? problem.consequence : 'the injector would reject it once injection is enabled; the pod is not injected, so it is ignored now'
    return [
      {
        rule: rejected ? ('invalid-value' as const) : ('runtime-invalid-value' as const),
        severity: rejected && read ? ('error' as const) : ('warning' as const),
        injector: !read ? ('ignores' as const) : rejected ? ('refuses' as const) : problem.outcome === 'ignored' ? ('admits-differently' as const) : ('admits' as const),
        message: `${shortKey(entry.key)}: ${JSON.stringify(entry.value)} is not ${problem.expected}: ${consequence} (${problem.reason})`,
        hint: `use ${problem.expected}`,
        at: entry.valueAt,
      },
    ]
  })
}
