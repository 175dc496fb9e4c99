import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

/** A fresh temporary folder for a test file's vsi.yaml and data files; `write` returns the file's path. */
export function specFolder(prefix: string): {dir: string; write: (name: string, text: string) => string} {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return {
    dir,
    write: (name, text) => {
      const file = path.join(dir, name)
      writeFileSync(file, text)
      return file
    },
  }
}

/**
 * A vsi.yaml whose first app is the tutorial's: internal-app, running deployment/orgchart, reading
 * internal/database/config into database-config.txt. `rest` continues that secret (its keys, data) and may add apps.
 */
export function tutorialSpec(rest: string, header = ''): string {
  return `${header}apiVersion: vsi/v1
kind: Injection
apps:
  - name: internal-app
    workloads: [deployment/orgchart]
    secrets:
      - file: database-config.txt
        path: internal/database/config
${rest}`
}
