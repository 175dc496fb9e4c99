/** Rules about annotation keys: ones the injector ignores, and ones the API server refuses. */
import {
  ANNOTATION_PREFIX,
  SECRET_ANNOTATION_BASES,
  annotationKeyProblem,
  lookupAnnotation,
  maxSecretNameLength,
} from '../catalog.js'
import {distance, MAX_DOMAIN_DISTANCE, nearestAnnotation} from '../nearest.js'
import {annotationsSize, TOTAL_ANNOTATION_SIZE_LIMIT} from '../size.js'
import {secretsOf, specOf} from './pod.js'
import type {AnnotationEntry, Finding, PodTarget} from './types.js'

const PREFIX_DOMAIN = ANNOTATION_PREFIX.slice(0, -1)

export function unknownAnnotation(target: PodTarget): Finding[] {
  const secretNames = secretsOf(target).map((secret) => secret.rawName)
  return target.annotations.flatMap((entry) => {
    if (!looksLikeVaultKey(entry.key) || specOf(entry)) return []
    const bareBase = SECRET_ANNOTATION_BASES.find((base) => entry.key === `${ANNOTATION_PREFIX}${base}` || entry.key === `${ANNOTATION_PREFIX}${base}-`)
    if (bareBase) {
      return [
        finding(entry, `${entry.key} has no secret NAME after "${bareBase}-": the injector silently ignores it`, `name the secret: ${ANNOTATION_PREFIX}${bareBase}-<NAME>`, 'error'),
      ]
    }
    const suggestion = nearestAnnotation(entry.key, secretNames)
    const message = `${entry.key} is not an annotation the injector knows: the injector silently ignores it${suggestion ? `; did you mean ${suggestion}?` : ''}`
    const hint = suggestion ? `rename the key to ${suggestion}` : 'see the annotation list in the README (vsi lint) or the Vault Agent Injector annotation docs'
    // A near miss of a known key was clearly meant for the injector: an error, so CI catches it.
    return [finding(entry, message, hint, suggestion ? 'error' : 'warning')]
  })
}

/** Keys the user meant for the injector: the exact prefix, a near miss of it, or a bare `agent-*` key the catalog knows. */
function looksLikeVaultKey(key: string): boolean {
  const slash = key.lastIndexOf('/')
  if (slash < 0) return key.startsWith('agent-') && lookupAnnotation(`${ANNOTATION_PREFIX}${key}`) !== undefined
  const domain = key.slice(0, slash)
  return domain === PREFIX_DOMAIN || distance(domain.toLowerCase(), PREFIX_DOMAIN) <= MAX_DOMAIN_DISTANCE
}

function finding(entry: AnnotationEntry, message: string, hint: string, severity: Finding['severity']): Finding {
  return {rule: 'unknown-annotation', severity, injector: 'ignores', message, hint, at: entry.keyAt}
}

export function invalidKey(target: PodTarget): Finding[] {
  return target.annotations.flatMap((entry) => {
    // The API server checks the lower-cased key (apimachinery ValidateAnnotations).
    const problem = annotationKeyProblem(entry.key.toLowerCase())
    if (!problem) return []
    const spec = specOf(entry)
    const base = spec?.secretName === undefined ? undefined : spec.base
    const hint = base
      ? `use a secret NAME of at most ${maxSecretNameLength(base)} characters for ${base}-<NAME>, made of letters, digits, "-", "_" and "."; set the file name with agent-inject-file-<NAME> if it must differ`
      : 'shorten the key and use only letters, digits, "-", "_" and "." after the "/"'
    return [
      {
        rule: 'invalid-key' as const,

        injector: 'api-server-refuses' as const,
        severity: 'error' as const,
        message: `metadata.annotations: Invalid value: ${JSON.stringify(entry.key)}: ${problem}; the API server rejects the object`,
        hint,
        at: entry.keyAt,
      },
    ]
  })
}

export function annotationsTooLarge(target: PodTarget): Finding[] {
  const size = annotationsSize(target.annotations.map((entry) => [entry.key, entry.value] as const))
  if (size <= TOTAL_ANNOTATION_SIZE_LIMIT) return []
  return [
    {
      rule: 'annotations-too-large',

      injector: 'api-server-refuses',
      severity: 'error',
      message: `metadata.annotations: Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes (these have ${size}); the API server rejects the object`,
      hint: 'move large templates into a ConfigMap or Secret and use agent-inject-template-file-<NAME> with agent-extra-secret or agent-configmap',
      at: target.anchor,
    },
  ]
}
