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

/** Field selectors: `metadata.name`, `metadata.namespace`, `status.phase`, `spec.nodeName`, … with `=`, `==`, `!=`. */
export function matchesFieldSelector(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true
  return selector.split(',').every((raw) => {
    const part = raw.trim()
    if (!part) return true
    const m = part.match(/^([^!=]+)(==|=|!=)(.*)$/)
    if (!m) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${part}'`)
    const value = m[1].split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj)
    const actual = value === undefined || value === null ? '' : String(value)
    return m[2] === '!=' ? actual !== m[3] : actual === m[3]
  })
}
