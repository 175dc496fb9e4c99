import {VsiCommand} from '../cli/base-command.js'

export interface VersionResult {
  version: string
  node: string
  platform: string
  arch: string
}

/** `vsi version`, as `kubectl version --client` and `vault version`: the same line as `vsi --version`. */
export default class Version extends VsiCommand<VersionResult> {
  static override summary = "Print vsi's version, and the Node.js and platform it runs on."

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<VersionResult> {
    await this.parse(Version)
    this.log(this.config.userAgent)
    return {version: this.config.version, node: process.versions.node, platform: process.platform, arch: process.arch}
  }
}
