// Named ACL policies as Vault's policy store keeps them (vault/policy_store.go): names are
// lower-cased, `root` exists without being stored, some names cannot be changed.
import {EmulatorAcl, readPolicy, type PolicyRule} from './acl.js'
import {DEFAULT_POLICY, RESPONSE_WRAPPING_POLICY} from './builtin.js'

const IMMUTABLE = ['root', 'response-wrapping', 'control-group']
const NOT_LISTED = ['response-wrapping', 'control-group']

interface Stored {
  raw: string
  parsed: PolicyRule[]
}

export class PolicyStore {
  private readonly policies = new Map<string, Stored>()

  constructor() {
    this.policies.set('default', {raw: DEFAULT_POLICY, parsed: readPolicy(DEFAULT_POLICY)})
    this.policies.set('response-wrapping', {raw: RESPONSE_WRAPPING_POLICY, parsed: readPolicy(RESPONSE_WRAPPING_POLICY)})
  }

  static sanitizeName(name: string): string {
    return name.trim().toLowerCase()
  }

  /** The raw text, '' for root, undefined when there is no such policy. */
  read(name: string): string | undefined {
    const key = PolicyStore.sanitizeName(name)
    return key === 'root' ? '' : this.policies.get(key)?.raw
  }

  /** Stores an already parsed policy; returns Vault's error text when refused. */
  write(name: string, raw: string, parsed: PolicyRule[]): string | undefined {
    const key = PolicyStore.sanitizeName(name)
    if (IMMUTABLE.includes(key)) return `cannot update ${JSON.stringify(key)} policy`
    this.policies.set(key, {raw, parsed})
    return undefined
  }

  delete(name: string): string | undefined {
    const key = PolicyStore.sanitizeName(name)
    if (IMMUTABLE.includes(key)) return `cannot delete ${JSON.stringify(key)} policy`
    if (key === 'default') return 'cannot delete default policy'
    this.policies.delete(key)
    return undefined
  }

  /** Stored names in storage (sorted) order, without the non-assignable ones. */
  names(): string[] {
    return [...this.policies.keys()].filter((n) => !NOT_LISTED.includes(n)).sort()
  }

  entries(): Record<string, string> {
    return Object.fromEntries([...this.policies].map(([name, p]) => [name, p.raw]))
  }

  /** Policies that do not exist are skipped, as Vault does. */
  acl(names: string[]): EmulatorAcl {
    if (names.includes('root')) return new EmulatorAcl([], true)
    return new EmulatorAcl(names.flatMap((n) => this.policies.get(n)?.parsed ?? []))
  }
}
