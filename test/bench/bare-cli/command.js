// One command with vsi patch's job done by hand: two flags in, the tutorial's patch file out.
import {Command, Flags} from '@oclif/core'
import {writeFileSync} from 'node:fs'

export default class Patch extends Command {
  static flags = {role: Flags.string({required: true}), secret: Flags.string({required: true})}

  async run() {
    const {flags} = await this.parse(Patch)
    const [name, path] = flags.secret.split('=')
    const apiPath = path.replace(/^([^/]+)\//, '$1/data/')
    const yaml = `spec:\n  template:\n    metadata:\n      annotations:\n        vault.hashicorp.com/agent-inject: "true"\n        vault.hashicorp.com/role: "${flags.role}"\n        vault.hashicorp.com/agent-inject-secret-${name}: "${apiPath}"\n`
    writeFileSync('patch-inject-secrets.yaml', yaml)
    this.log('Wrote patch-inject-secrets.yaml')
  }
}
