import type {V1LabelSelector} from '@kubernetes/client-node'

/**
 * ryanuber/go-glob `Glob`, which Vault's Kubernetes auth uses (strutil.StrListContainsGlob) to match
 * bound_service_account_names and bound_service_account_namespaces: `*` stands for any run of characters, anywhere.
 */
export function goGlob(pattern: string, subject: string): boolean {
  if (pattern === '') return subject === ''
  if (pattern === '*') return true
  const parts = pattern.split('*')
  if (parts.length === 1) return subject === pattern
  const leadingGlob = pattern.startsWith('*')
  const trailingGlob = pattern.endsWith('*')
  const end = parts.length - 1
  let rest = subject
  for (let i = 0; i < end; i++) {
    const index = rest.indexOf(parts[i])
    if (i === 0 ? !leadingGlob && index !== 0 : index < 0) return false
    rest = rest.slice(index + parts[i].length)
  }
  return trailingGlob || rest.endsWith(parts[end])
}

/** Whether the login of `serviceAccount` in `namespace` passes the role's bindings, as vault-plugin-auth-kubernetes decides it (path_login.go). */
export function roleBinds(role: {serviceAccounts: string[]; namespaces: string[]}, serviceAccount: string, namespace: string): {name: boolean; namespace: boolean} {
  const names = role.serviceAccounts
  const nameOk = (names.length === 1 && names[0] === '*') || names.some((pattern) => goGlob(pattern, serviceAccount))
  const namespaces = role.namespaces
  const namespaceOk = namespaces.length > 0 && (namespaces[0] === '*' || namespaces.some((pattern) => goGlob(pattern, namespace)))
  return {name: nameOk, namespace: namespaceOk}
}

/** metav1.LabelSelector semantics: an absent or empty selector matches everything. */
export function selectorMatches(selector: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {}
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) if (have[key] !== value) return false
  for (const expression of selector?.matchExpressions ?? []) {
    const present = Object.hasOwn(have, expression.key)
    const values = expression.values ?? []
    const ok = {
      In: present && values.includes(have[expression.key]),
      NotIn: !present || !values.includes(have[expression.key]),
      Exists: present,
      DoesNotExist: !present,
    }[expression.operator]
    if (!ok) return false
  }
  return true
}
