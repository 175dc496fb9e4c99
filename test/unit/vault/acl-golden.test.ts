import {Acl, type Operation} from '../../../src/vault/acl/acl.js'
import {parsePolicy} from '../../../src/vault/acl/parse.js'
import {describeAclGolden} from '../../golden/acl-golden.js'

describeAclGolden("vsi's ACL evaluator (doctor)", {
  build: (policies, root) => {
    const acl = root ? Acl.root() : Acl.fromPolicies(policies.map((text) => parsePolicy(text)))
    return {
      allow: (path, op) => {
        const {allowed, rootPrivs} = acl.allowOperation(path, op as Operation)
        return {allowed, sudo: rootPrivs}
      },
      capabilities: (path) => acl.capabilities(path),
      mountAccess: (mount) => acl.hasMountAccess(mount),
    }
  },
  parseError: (policy) => {
    try {
      parsePolicy(policy)
      return undefined
    } catch (error) {
      return (error as Error).message
    }
  },
})
