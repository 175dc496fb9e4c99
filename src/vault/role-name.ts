import {inputError} from '../errors.js'

/** Vault's role name pattern (framework.GenericNameRegex); it stores names lower-cased. */
export function normalizeRoleName(name: string): string {
  const clean = name.trim().toLowerCase()
  if (!/^\w([\w.-]*\w)?$/.test(clean)) throw inputError(`role name ${JSON.stringify(name)} is not valid`, 'Use letters, digits, "_", "-" and "."; start and end with a letter or digit.')
  return clean
}
