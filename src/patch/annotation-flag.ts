import {ANNOTATION_PREFIX, annotationKeyProblem, lookupAnnotation, validateAnnotationValue} from '../annotations/catalog.js'
import {nearestAnnotation} from '../annotations/nearest.js'
import {parseAssignment} from '../assignment.js'
import {usageError} from '../errors.js'

/**
 * `--annotation role=x` or `--annotation vault.hashicorp.com/role=x` → the full key and the value, if the injector
 * knows the key (it silently ignores any other) and would accept the value. `secretNames` help suggest a misspelt key.
 */
export function annotationFromFlag(raw: string, secretNames: readonly string[] = []): {key: string; value: string} {
  const {key: given, value} = parseAssignment(raw, 'annotation', 'KEY=VALUE')
  const shown = `--annotation ${JSON.stringify(raw)}`
  if (given.includes('/') && !given.startsWith(ANNOTATION_PREFIX)) throw usageError(`${shown}: only ${ANNOTATION_PREFIX}* annotations are set by vsi patch`)
  const full = given.startsWith(ANNOTATION_PREFIX) ? given : `${ANNOTATION_PREFIX}${given}`
  const keyProblem = annotationKeyProblem(full)
  if (keyProblem) throw usageError(`${shown}: ${keyProblem}`)
  if (!lookupAnnotation(full)) {
    const suggestion = nearestAnnotation(full, secretNames)
    throw usageError(`${shown}: the injector does not know ${full} and would ignore it${suggestion ? ` (did you mean ${suggestion}?)` : ''}`)
  }
  const problem = validateAnnotationValue(full, value)
  if (problem) throw usageError(`${shown}: ${problem}`)
  return {key: full, value}
}
