/** What the file asks for, per app, worked out without contacting anything: policy, role and pod annotations. */
import {ANNOTATION_PREFIX, annotationKey} from '../../annotations/index.js'
import {formatTemplate} from '../../annotations/formats.js'
import type {RoleSpec} from '../../vault/kubernetes-auth.js'
import {kvApiPath, kvLocationUnder, type KvLocation} from '../../vault/kv-path.js'
import {kvPolicyRules, renderPolicy, type PolicyRule} from '../../vault/policy.js'
import type {AppSpec, Spec} from './file.js'
import {APP_ANNOTATION, policyHeader} from './ownership.js'

/** An app with its namespace settled (the file's, else the kubeconfig context's). */
export interface PlacedApp extends AppSpec {
  namespace: string
}

/** Where a secret of the file lives: under vault.kv.path, of vault.kv.version. */
export function kvLocation(spec: Spec, path: string): KvLocation {
  return kvLocationUnder(spec.kvPath, path, spec.kvVersion)
}

export const roleRef = (spec: Spec, app: AppSpec) => `auth/${spec.authPath}/role/${app.name}`

/** `read` on exactly the API path of each secret the app renders (KV v2: its `data/` path); nothing else. */
export function policyRules(spec: Spec, app: AppSpec): PolicyRule[] {
  const seen = new Set<string>()
  return app.secrets
    .flatMap((secret) => kvPolicyRules(secret.path, {mount: spec.kvPath, version: spec.kvVersion}, ['read']))
    .filter((rule) => !seen.has(rule.path) && seen.add(rule.path))
}

export function policyText(spec: Spec, app: AppSpec, owns: {policy: boolean; role: boolean} | undefined): string {
  // Unmarked (vsi setup): the rules alone, as vault policy write would store them.
  if (!owns) return renderPolicy(policyRules(spec, app))
  return policyHeader(app.name, {createdPolicy: owns.policy, ...(owns.role ? {createdRole: roleRef(spec, app)} : {})}) + renderPolicy(policyRules(spec, app))
}

export function roleSpec(app: PlacedApp): RoleSpec {
  return {serviceAccounts: [app.serviceAccount], namespaces: [app.namespace], policies: [app.name, ...app.policies], ttlSeconds: app.ttlSeconds, audience: app.audience}
}

/** The pod-template annotations of the app's workloads, in the tutorial's order, with vsi's ownership mark last. */
export function podAnnotations(spec: Spec, app: AppSpec): Record<string, string> {
  const annotations: Record<string, string> = {[annotationKey('agent-inject')]: 'true', [annotationKey('role')]: app.name}
  if (spec.authPath !== 'kubernetes') annotations[annotationKey('auth-path')] = `auth/${spec.authPath}`
  for (const secret of app.secrets) {
    const apiPath = kvApiPath(secret.path, spec.kvPath, spec.kvVersion, 'data', true)
    annotations[annotationKey(`agent-inject-secret-${secret.file}`)] = apiPath
    const template = secret.format === 'template' ? secret.template : secret.format === 'map' ? undefined : formatTemplate(secret.format, apiPath, spec.kvVersion, secret.keys)
    if (template !== undefined) annotations[annotationKey(`agent-inject-template-${secret.file}`)] = template
  }
  if (app.injector.prePopulateOnly) annotations[annotationKey('agent-pre-populate-only')] = 'true'
  if (app.injector.initFirst) annotations[annotationKey('agent-init-first')] = 'true'
  if (app.injector.agentImage) annotations[annotationKey('agent-image')] = app.injector.agentImage
  Object.assign(annotations, app.injector.annotations)
  annotations[APP_ANNOTATION] = app.name
  return annotations
}

export const isInjectorAnnotation = (key: string) => key.startsWith(ANNOTATION_PREFIX)
