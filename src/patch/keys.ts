import {annotationKey, maxSecretNameLength, MAX_KEY_NAME_LENGTH, secretNameProblem as catalogNameProblem} from '../annotations/catalog.js'

/** The per-secret annotations vsi writes itself: `<base>-<NAME>`. */
export const SECRET_BASE = 'agent-inject-secret'
export const TEMPLATE_BASE = 'agent-inject-template'

/** `vault.hashicorp.com/<suffix>`. */
export const key = annotationKey

/**
 * Why a secret name cannot be used in `<base>-<NAME>`, or undefined. The name becomes part of the annotation key and
 * the file name under /vault/secrets, so a `/` gets its own advice.
 */
export function secretNameProblem(name: string, base: string): string | undefined {
  if (name.includes('/')) return `the name "${name}" contains "/": it becomes part of the annotation key; to write into a subdirectory add --annotation agent-inject-file-<name>=<dir>/<file>`
  const problem = catalogNameProblem(name, base)
  if (problem && name.length > maxSecretNameLength(base)) return `${problem} (annotation keys are limited to ${MAX_KEY_NAME_LENGTH} characters after the prefix)`
  return problem
}
