import {describeAclGolden} from '../../golden/acl-golden.js'
import {EmulatorAcl, readPolicy, type AclOperation} from './policy/acl.js'

describeAclGolden('the Vault emulator ACL', {
  build: (policies, root) => {
    const acl = new EmulatorAcl(policies.flatMap((text) => readPolicy(text)), root)
    return {
      allow: (path, op) => acl.decide(path, op as AclOperation),
      capabilities: (path) => acl.capabilities(path),
      mountAccess: (mount) => acl.hasMountAccess(mount),
    }
  },
  parseError: (policy) => {
    try {
      readPolicy(policy)
      return undefined
    } catch (error) {
      return (error as Error).message
    }
  },
})
