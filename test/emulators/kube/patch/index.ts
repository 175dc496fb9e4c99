import {jsonMergePatch} from './json-merge.js'
import {jsonPatch, PatchApplyError} from './json-patch.js'
import {schemaFor} from './schema.js'
import {PatchError, strategicMerge} from './strategic.js'

export {PatchApplyError, PatchError}

export const PATCH_TYPES = ['application/strategic-merge-patch+json', 'application/merge-patch+json', 'application/json-patch+json'] as const
export type PatchType = (typeof PATCH_TYPES)[number]

/** Applies a patch body of the given Content-Type to an object of the given kind. */
export function applyPatch(kind: string, original: Record<string, unknown>, patchType: PatchType, patch: unknown): Record<string, unknown> {
  if (patchType === 'application/json-patch+json') return jsonPatch(original, patch) as Record<string, unknown>
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new PatchError('json: cannot unmarshal array into Go value of type map[string]interface {}')
  }
  if (patchType === 'application/merge-patch+json') return jsonMergePatch(original, patch) as Record<string, unknown>
  return strategicMerge(original, patch as Record<string, unknown>, schemaFor(kind))
}
