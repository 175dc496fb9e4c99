import {inputError} from '../errors.js'

/**
 * A Vault path with "." or ".." segments: Vault's router does not clean them, but every proxy and HTTP library on the
 * way may (Go's ServeMux answers a 301 to the cleaned path), so `internal/../../secret/data/x` can land in another
 * engine. vsi refuses such paths before sending anything.
 */
export function checkPathSegments(path: string, what: string): void {
  const bad = path.split('?')[0].split('/').find((segment) => segment === '.' || segment === '..')
  if (bad !== undefined) {
    throw inputError(`${what} ${JSON.stringify(path)} has a "${bad}" segment`, 'Write the path without "." or ".." segments, e.g. internal/database/config.')
  }
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
/** framework.GenericNameRegex, which Vault's role and policy paths use: `\w(([\w-.]+)?\w)?`. */
const VAULT_NAME = /^\w(([\w.-]+)?\w)?$/

/**
 * An app name becomes a Kubernetes service account (a DNS-1123 subdomain: ValidateServiceAccountName in
 * kubernetes/kubernetes pkg/apis/core/validation), a Vault role and a Vault policy of the same name.
 */
export function checkAppName(name: string, flag: string): void {
  const problems: string[] = []
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    problems.push('a Kubernetes service account name must be a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters)')
  }
  if (!VAULT_NAME.test(name)) problems.push('a Vault role name may hold only letters, digits, "_", "-" and ".", and must start and end with a letter, digit or "_"')
  if (problems.length > 0) throw inputError(`${flag} ${JSON.stringify(name)} is not a valid name: ${problems.join('; ')}`, 'Use a name such as internal-app.')
}
