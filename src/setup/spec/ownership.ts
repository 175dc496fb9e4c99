/**
 * How vsi marks what it created, in the objects themselves (no state file): a label and an annotation on
 * Kubernetes objects, a header comment in Vault policies (which also records a role vsi created), custom_metadata on
 * KV secrets, and a description on engines and auth methods. Destroy removes only what carries these marks.
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by'
export const MANAGER = 'vsi'
/** On service accounts and on the pod templates vsi annotated: the app of vsi.yaml they belong to. */
export const APP_ANNOTATION = 'vsi.dev/app'
export const MOUNT_DESCRIPTION = 'created by vsi'

export const serviceAccountMarks = (app: string) => ({labels: {[MANAGED_BY_LABEL]: MANAGER}, annotations: {[APP_ANNOTATION]: app}})

export function ownsObject(metadata: {labels?: Record<string, string>; annotations?: Record<string, string>} | undefined, app: string): boolean {
  return metadata?.labels?.[MANAGED_BY_LABEL] === MANAGER && metadata.annotations?.[APP_ANNOTATION] === app
}

export const kvMarks = (app: string): Record<string, string> => ({'managed-by': MANAGER, app})

export function ownsSecret(customMetadata: Record<string, string> | undefined): boolean {
  return customMetadata?.['managed-by'] === MANAGER
}

const HEADER = '# managed-by: vsi'

/**
 * The comment lines a policy vsi writes starts with: the managed-by mark only when vsi created the policy (a policy
 * that existed before is converged but stays on destroy), and `role` when vsi created the app's role.
 */
export function policyHeader(app: string, marks: {createdPolicy: boolean; createdRole?: string}): string {
  return [...(marks.createdPolicy ? [HEADER] : []), `# app: ${app}`, ...(marks.createdRole ? [`# created: ${marks.createdRole}`] : [])].join('\n') + '\n'
}

export interface PolicyMarks {
  managed: boolean
  /** The role vsi created, as `auth/<mount>/role/<name>`. */
  createdRole?: string
}

export function readPolicyMarks(hcl: string | undefined): PolicyMarks {
  const lines = (hcl ?? '').split('\n')
  const comments = lines.slice(0, Math.max(lines.findIndex((line) => !line.startsWith('#')), 0))
  const created = comments.find((line) => line.startsWith('# created: '))
  return {managed: comments[0]?.trim() === HEADER, ...(created ? {createdRole: created.slice('# created: '.length).trim()} : {})}
}
