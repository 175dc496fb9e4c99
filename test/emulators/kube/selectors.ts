import type {KubeObject} from './types.js'

import {errors} from './errors.js'

type Requirement = {key: string; op: 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt'; values: string[]}

/** Parses a label selector string as labels.Parse does: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`. */
export function parseLabelSelector(selector: string): Requirement[] {
  const out: Requirement[] = []
  for (const raw of splitTopLevel(selector)) {
    const part = raw.trim()
    if (!part) continue
    let m: RegExpMatchArray | null
    if ((m = part.match(/^([^\s!=<>]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      out.push({key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim())})
    } else if ((m = part.match(/^!\s*([^\s!=]+)$/))) {
      out.push({key: m[1], op: '!', values: []})
    } else if ((m = part.match(/^([^\s!=<>]+)\s*(==|=|!=|>|<)\s*([^\s]*)$/))) {
      const op = m[2] === '==' ? '=' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : (m[2] as '=' | '!=')
      out.push({key: m[1], op, values: [m[3]]})
    } else if ((m = part.match(/^([^\s!=<>()]+)$/))) {
      out.push({key: m[1], op: 'exists', values: []})
    } else {
      throw errors.badRequest(`unable to parse requirement: found '${part}', expected: identifier`)
    }
  }
  return out
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const ch of s) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts
}

export function matchesRequirements(labels: Record<string, string> | undefined, reqs: Requirement[]): boolean {
  const l = labels ?? {}
  return reqs.every(({key, op, values}) => {
    const has = Object.hasOwn(l, key)
    switch (op) {
      case '=':
      case 'in':
        return has && values.includes(l[key])
      case '!=':
      case 'notin':
        return !has || !values.includes(l[key])
      case 'exists':
        return has
      case '!':
        return !has
      case 'gt':
        return has && Number(l[key]) > Number(values[0])
      case 'lt':
        return has && Number(l[key]) < Number(values[0])
    }
  })
}

export function matchesLabelSelector(labels: Record<string, string> | undefined, selector: string | undefined): boolean {
  return !selector || matchesRequirements(labels, parseLabelSelector(selector))
}

/** A metav1.LabelSelector (matchLabels + matchExpressions) as a Deployment or webhook carries it. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>
  matchExpressions?: Array<{key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[]}>
}

export function matchesSelectorObject(labels: Record<string, string> | undefined, selector: LabelSelectorObject | undefined): boolean {
  if (!selector) return true
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, v]) => ({key, op: '=' as const, values: [v]}))
  for (const e of selector.matchExpressions ?? []) {
    const op = ({In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!'} as const)[e.operator]
    reqs.push({key: e.key, op, values: e.values ?? []})
  }
  return matchesRequirements(labels, reqs)
}

/** `k=v,k2=v2` from matchLabels, as kubectl and client-node build a pod selector from a workload. */
export function selectorString(selector: LabelSelectorObject | undefined): string {
  return Object.entries(selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}

/**
 * The field labels each kind can be selected on, as registered with AddFieldLabelConversionFunc in
 * kubernetes/kubernetes pkg/apis/core/v1/conversion.go (Pod, Node, Event, Namespace, Secret, Service) and
 * pkg/apis/apps/v1/conversion.go (ReplicaSet); pkg/apis/batch/v1/conversion.go (Job). Any other kind falls back to
 * runtime.DefaultMetaV1FieldSelectorConversion (staging/src/k8s.io/apimachinery/pkg/runtime/scheme.go).
 */
const FIELD_LABELS: Record<string, string[]> = {
  Pod: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  Node: ['metadata.name', 'spec.unschedulable'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name'],
  Namespace: ['status.phase', 'metadata.name'],
  Secret: ['type', 'metadata.namespace', 'metadata.name'],
  Service: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'],
  ReplicaSet: ['metadata.name', 'metadata.namespace', 'status.replicas'],
  Job: ['metadata.name', 'metadata.namespace', 'status.successful'],
}

/** Rejects a field label the kind does not support with the conversion func's own error (a 400 from get.go ListResource). */
function checkFieldLabel(kind: string, group: string, label: string): string {
  if (label === 'spec.host' && kind === 'Pod') return 'spec.nodeName' // backwards compatibility for old v1 clients
  const allowed = group === 'events.k8s.io' ? undefined : FIELD_LABELS[kind]
  if (!allowed) {
    if (label === 'metadata.name' || label === 'metadata.namespace') return label
    throw errors.badRequest(`"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`)
  }
  if (!allowed.includes(label)) throw errors.badRequest(`field label not supported: ${label}`)
  return label
}

/** The value a selectable field has (pkg/registry/*\/strategy.go ToSelectableFields): bools as "true"/"false", Event source = source.component. */
function fieldValue(obj: KubeObject, label: string): string {
  if (label === 'source' && obj.kind === 'Event') return String(obj.source?.component ?? '')
  if (label === 'spec.hostNetwork') return String(Boolean(obj.spec?.hostNetwork))
  if (label === 'spec.unschedulable') return String(Boolean(obj.spec?.unschedulable))
  if (label === 'status.podIPs') return ((obj.status?.podIPs ?? []) as Array<{ip: string}>).map((p) => p.ip).join(',')
  const value = label.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj)
  return value === undefined || value === null ? '' : String(value)
}

export interface FieldRequirement {
  label: string
  op: '=' | '!='
  value: string
}

/** Parses and checks a field selector for a kind (fields.ParseSelector, then Transform with the kind's conversion func). */
export function parseFieldSelector(selector: string | undefined, kind: string, group = ''): FieldRequirement[] {
  if (!selector) return []
  const out: FieldRequirement[] = []
  for (const raw of selector.split(',')) {
    const part = raw.trim()
    if (!part) continue
    const m = part.match(/^([^!=]+)(==|=|!=)(.*)$/)
    if (!m) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`)
    out.push({label: checkFieldLabel(kind, group, m[1].trim()), op: m[2] === '!=' ? '!=' : '=', value: m[3]})
  }
  return out
}

export function matchesFieldRequirements(obj: KubeObject, reqs: FieldRequirement[]): boolean {
  return reqs.every(({label, op, value}) => (op === '!=' ? fieldValue(obj, label) !== value : fieldValue(obj, label) === value))
}
