import type {ResourceType} from './resources.js'

import {errors} from './errors.js'
import {fieldError, type Cause} from './validation.js'

/**
 * The query-parameter validation the REST handlers run before they read the body (apiserver
 * pkg/endpoints/handlers/create.go, update.go, patch.go, delete.go, get.go): metav1 validation.ValidateCreateOptions,
 * ValidateUpdateOptions, ValidatePatchOptions, ValidateDeleteOptions and, for lists and watches,
 * internalversion/validation.ValidateListOptions (kubernetes/apimachinery v0.32.0). A failure is NewInvalid of the
 * options kind in meta.k8s.io with no name: `CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: …`.
 */

const optionsType = (kind: string) => ({kind, group: 'meta.k8s.io', resource: kind.toLowerCase()}) as ResourceType

/** fmt's %#v of a []string, as ErrorBody prints a slice it cannot print otherwise. */
const goStringSlice = (values: string[]) => `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`

function validateDryRun(dryRun: string[]): Cause[] {
  return dryRun.every((v) => v === 'All') ? [] : [fieldError.notSupported('dryRun', goStringSlice(dryRun), ['All'])]
}

/** FieldManagerMaxLength 128 bytes; every character printable (unicode.IsPrint). */
function validateFieldManager(manager: string): Cause[] {
  const causes: Cause[] = []
  if (Buffer.byteLength(manager) > 128) causes.push({reason: 'FieldValueTooLong', message: 'Too long: may not be more than 128 bytes', field: 'fieldManager'})
  let position = 0
  for (const ch of manager) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const code = ch.codePointAt(0)!
      // %#U: U+0007 (no glyph for a non-printable rune)
      const rune = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
      causes.push(fieldError.invalid('fieldManager', manager, `invalid character ${rune} (at position ${position})`))
    }
    position += Buffer.byteLength(ch)
  }
  return causes
}

function validateFieldValidation(query: URLSearchParams): Cause[] {
  const value = query.get('fieldValidation') ?? ''
  return ['', 'Ignore', 'Strict', 'Warn'].includes(value) ? [] : [fieldError.notSupported('fieldValidation', JSON.stringify(value), ['', 'Ignore', 'Strict', 'Warn'])]
}

const isApply = (contentType: string) => ['application/apply-patch+yaml', 'application/apply-patch+cbor'].includes(contentType.split(';')[0].trim())

/** Create, update, patch and delete options; `deleteBody` is the DeleteOptions a DELETE carries. */
export function validateWriteOptions(verb: string, query: URLSearchParams, contentType: string, deleteBody?: unknown): void {
  const causes: Cause[] = []
  let kind: string
  const dryRun = query.getAll('dryRun')
  if (verb === 'create' || verb === 'update') {
    kind = verb === 'create' ? 'CreateOptions' : 'UpdateOptions'
    causes.push(...validateFieldManager(query.get('fieldManager') ?? ''), ...validateDryRun(dryRun), ...validateFieldValidation(query))
  } else if (verb === 'patch') {
    kind = 'PatchOptions'
    if (isApply(contentType)) {
      if (!query.get('fieldManager')) causes.push(fieldError.required('fieldManager', 'is required for apply patch'))
    } else if (query.has('force')) {
      causes.push(fieldError.forbidden('force', 'may not be specified for non-apply patch'))
    }
    causes.push(...validateFieldManager(query.get('fieldManager') ?? ''), ...validateDryRun(dryRun), ...validateFieldValidation(query))
  } else if (verb === 'delete' || verb === 'deletecollection') {
    kind = 'DeleteOptions'
    const options = deleteOptions(query, deleteBody)
    if (options.orphanDependents !== undefined && options.propagationPolicy !== undefined) {
      causes.push(fieldError.invalid('propagationPolicy', options.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'))
    }
    if (options.propagationPolicy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(options.propagationPolicy)) {
      causes.push(fieldError.notSupported('propagationPolicy', JSON.stringify(options.propagationPolicy), ['Foreground', 'Background', 'Orphan', 'nil']))
    }
    causes.push(...validateDryRun(options.dryRun))
  } else return
  if (causes.length) throw errors.invalid(optionsType(kind), '', causes)
}

export interface DeleteOptions {
  dryRun: string[]
  propagationPolicy?: string
  orphanDependents?: boolean
  gracePeriodSeconds?: number
  preconditions?: {uid?: string; resourceVersion?: string}
}

/**
 * DeleteOptions come in the body (kubectl delete sends them there, dryRun included) or, when there is no body, as
 * query parameters (handlers/delete.go DeleteResource).
 */
export function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Partial<DeleteOptions>
    return {dryRun: b.dryRun ?? [], propagationPolicy: b.propagationPolicy, orphanDependents: b.orphanDependents, gracePeriodSeconds: b.gracePeriodSeconds, preconditions: b.preconditions}
  }
  const grace = query.get('gracePeriodSeconds')
  const orphan = query.get('orphanDependents')
  return {
    dryRun: query.getAll('dryRun'),
    propagationPolicy: query.get('propagationPolicy') ?? undefined,
    orphanDependents: orphan === null ? undefined : orphan === 'true',
    gracePeriodSeconds: grace === null ? undefined : Number(grace),
  }
}

/** ValidateListOptions (apimachinery pkg/apis/meta/internalversion/validation), the WatchList gate on (beta in 1.32). */
export function validateListOptions(query: URLSearchParams, watch: boolean): void {
  const causes: Cause[] = []
  const match = query.get('resourceVersionMatch') ?? ''
  const resourceVersion = query.get('resourceVersion') ?? ''
  const cont = query.get('continue') ?? ''
  const sendInitialEvents = query.get('sendInitialEvents')
  if (watch) {
    if (sendInitialEvents !== null && match !== 'NotOlderThan') {
      causes.push(fieldError.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'))
    }
    if (match) {
      if (sendInitialEvents === null) causes.push(fieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'))
      if (match !== 'NotOlderThan') causes.push(fieldError.notSupported('resourceVersionMatch', JSON.stringify(match), ['NotOlderThan']))
      if (cont) causes.push(fieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'))
    }
  } else {
    if (match) {
      if (!resourceVersion) causes.push(fieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'))
      if (cont) causes.push(fieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'))
      if (match !== 'Exact' && match !== 'NotOlderThan') causes.push(fieldError.notSupported('resourceVersionMatch', JSON.stringify(match), ['Exact', 'NotOlderThan', '']))
      if (match === 'Exact' && resourceVersion === '0') causes.push(fieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'))
    }
    if (sendInitialEvents !== null) causes.push(fieldError.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'))
  }
  if (causes.length) throw errors.invalid(optionsType('ListOptions'), '', causes)
}
