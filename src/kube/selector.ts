import type {V1LabelSelector} from '@kubernetes/client-node'

/** A LabelSelector object as the `?labelSelector=` string the API server parses (metav1.LabelSelectorAsSelector). */
export function labelSelectorToString(selector: V1LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`)
  for (const expression of selector?.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',')
    switch (expression.operator) {
      case 'In':
        parts.push(`${expression.key} in (${values})`)
        break
      case 'NotIn':
        parts.push(`${expression.key} notin (${values})`)
        break
      case 'Exists':
        parts.push(expression.key)
        break
      case 'DoesNotExist':
        parts.push(`!${expression.key}`)
        break
    }
  }
  return parts.join(',')
}

/**
 * Whether labels match a LabelSelector object, as the API server answers `?labelSelector=` with the string above
 * (k8s.io/apimachinery pkg/labels/selector.go Requirement.Matches): NotIn and DoesNotExist match a missing label.
 * An empty selector matches everything, as the empty `?labelSelector=` does.
 */
export function matchesLabelSelector(selector: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const has = (key: string) => labels !== undefined && Object.hasOwn(labels, key)
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) if (!has(key) || labels?.[key] !== value) return false
  for (const expression of selector?.matchExpressions ?? []) {
    const {key} = expression
    const values = expression.values ?? []
    switch (expression.operator) {
      case 'In':
        if (!has(key) || !values.includes(labels?.[key] ?? '')) return false
        break
      case 'NotIn':
        if (has(key) && values.includes(labels?.[key] ?? '')) return false
        break
      case 'Exists':
        if (!has(key)) return false
        break
      case 'DoesNotExist':
        if (has(key)) return false
        break
    }
  }
  return true
}
