/** Reading a pod target the way the injector reads the pod. */
import type {AnnotationSpec} from '../catalog.js'
import {ANNOTATION_PREFIX, annotationKey, lookupAnnotation} from '../catalog.js'
import {goBool} from '../go-parse.js'
import type {InjectionSpec} from '../injection.js'
import {injectionSpec} from '../injection.js'
import type {InjectedSecret} from '../secrets.js'
import type {AnnotationEntry, PodTarget} from './types.js'

/** The annotations as the API server would store them (non-strings by their YAML text, so they can still be checked). */
export function annotationRecord(target: PodTarget): Record<string, string> {
  return Object.fromEntries(target.annotations.map((entry) => [entry.key, entry.value]))
}

/** What the injector makes of an annotation on a pod: only full `vault.hashicorp.com/…` keys count there. */
export function specOf(entry: AnnotationEntry): AnnotationSpec | undefined {
  return entry.key.startsWith(ANNOTATION_PREFIX) ? lookupAnnotation(entry.key) : undefined
}

export function entryFor(target: PodTarget, base: string): AnnotationEntry | undefined {
  const key = annotationKey(base)
  return target.annotations.find((entry) => entry.key === key)
}

/** `agent-inject` as the injector reads it: true, false, or undefined when absent or unparsable. */
export function injectionEnabled(target: PodTarget): boolean | undefined {
  const entry = entryFor(target, 'agent-inject')
  return entry === undefined ? undefined : goBool(entry.value)
}

const injections = new WeakMap<PodTarget, InjectionSpec>()

/**
 * The injector model (injectionSpec) for a target's annotations. Its pod spec is plain data as written, so it is
 * not passed: the rules read only what the annotations decide from the model.
 */
export function injectionOf(target: PodTarget): InjectionSpec {
  let spec = injections.get(target)
  if (!spec) injections.set(target, (spec = injectionSpec({annotations: annotationRecord(target)}, undefined)))
  return spec
}

export function secretsOf(target: PodTarget): InjectedSecret[] {
  return injectionOf(target).secrets
}

/** The first key (in file order) that creates the secret, to report problems about it there. */
export function creatingEntry(target: PodTarget, secret: InjectedSecret): AnnotationEntry {
  const keys = ['agent-inject-secret', 'agent-inject-template', 'agent-inject-template-file'].map((base) => annotationKey(`${base}-${secret.rawName}`))
  return target.annotations.find((entry) => keys.includes(entry.key) && entry.value.trim() !== '')!
}

/** `vault.hashicorp.com/agent-inject` → `agent-inject`, for messages that would otherwise repeat the prefix. */
export const shortKey = (key: string): string => key.replace(/^vault\.hashicorp\.com\//, '')
