/**
 * The per-container checks of ValidatePodSpec that a mutating webhook can trip (kubernetes
 * pkg/apis/core/validation/validation.go: validateVolumeMounts, ValidateResourceRequirements, ValidateSecurityContext).
 */
import type {Cause} from './validation.js'
import {fieldError} from './validation.js'

export interface ContainerLike {
  volumeMounts?: Array<{name: string; mountPath: string}>
  resources?: {limits?: Record<string, string>; requests?: Record<string, string>}
  securityContext?: {runAsUser?: number; runAsGroup?: number}
}

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/
const SCALE: Record<string, number> = {'': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60}

/** resource.Quantity's value, or undefined when it does not parse (the decoder refuses those earlier). */
function quantity(text: string): number | undefined {
  const match = QUANTITY.exec(text)
  if (!match) return undefined
  const scale = SCALE[match[2]!] ?? (/^[eE][+-]?\d+$/.test(match[2]!) ? 10 ** Number(match[2]!.slice(1)) : undefined)
  return scale === undefined ? undefined : Number(match[1]) * scale
}

/** validation.IsValidUserID / IsValidGroupID */
const ID_RANGE = 'must be between 0 and 2147483647, inclusive'

export function validateContainer(container: ContainerLike, at: string): Cause[] {
  const causes: Cause[] = []
  container.volumeMounts?.forEach((mount, j) => {
    if (mount.mountPath === '') causes.push(fieldError.required(`${at}.volumeMounts[${j}].mountPath`))
  })
  const {limits = {}, requests = {}} = container.resources ?? {}
  for (const [name, request] of Object.entries(requests)) {
    const limit = limits[name]
    const [requested, limited] = [quantity(request), limit === undefined ? undefined : quantity(limit)]
    if (requested !== undefined && limited !== undefined && requested > limited) {
      causes.push(fieldError.invalid(`${at}.resources.requests`, request, `must be less than or equal to ${name} limit of ${limit}`))
    }
  }
  for (const field of ['runAsUser', 'runAsGroup'] as const) {
    const id = container.securityContext?.[field]
    if (typeof id === 'number' && (id < 0 || id > 2_147_483_647)) causes.push(fieldError.invalid(`${at}.securityContext.${field}`, id, ID_RANGE))
  }
  return causes
}
