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
