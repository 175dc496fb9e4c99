import {randomUUID} from 'node:crypto'

import type {ObjectStore} from './store.js'
import type {KubeObject} from './types.js'

import {signJwt, verifyJwt, type SigningKey} from '../jwt.js'

/** The API server's issuer and default audience (minikube / kubeadm defaults). */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local'
export const ADMIN_USER = 'kubernetes-admin'

export interface UserInfo {
  username: string
  uid?: string
  groups: string[]
  extra?: Record<string, string[]>
}

export const ANONYMOUS: UserInfo = {username: 'system:anonymous', groups: ['system:unauthenticated']}

export interface IssueOptions {
  audiences?: string[]
  expirationSeconds?: number
  boundObject?: {kind: 'Pod' | 'Secret'; name: string; uid: string}
}

export type Authentication = {user: UserInfo; audiences: string[]} | {error: string}

/**
 * Service-account tokens as the API server issues and checks them: bound tokens (TokenRequest, projected volumes)
 * and legacy Secret tokens; authentication checks signature, expiry, audience and that the bound objects still exist.
 */
export class TokenAuthority {
  constructor(
    private readonly store: ObjectStore,
    private readonly key: SigningKey,
    readonly adminToken: string,
  ) {}

  /** Issues a bound token for an existing ServiceAccount; the caller has checked it exists. */
  issue(namespace: string, sa: KubeObject, opts: IssueOptions = {}): {token: string; expirationTimestamp: string} {
    const now = Math.floor(Date.now() / 1000)
    const exp = now + (opts.expirationSeconds ?? 3600)
    const kubernetesIo: Record<string, unknown> = {
      namespace,
      serviceaccount: {name: sa.metadata.name, uid: sa.metadata.uid},
    }
    if (opts.boundObject) kubernetesIo[opts.boundObject.kind.toLowerCase()] = {name: opts.boundObject.name, uid: opts.boundObject.uid}
    const claims = {
      aud: opts.audiences?.length ? opts.audiences : [ISSUER],
      exp,
      iat: now,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': kubernetesIo,
      nbf: now,
      sub: `system:serviceaccount:${namespace}:${sa.metadata.name}`,
    }
    return {token: signJwt(claims, this.key), expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}
  }

  /** The never-expiring token the token controller writes into a kubernetes.io/service-account-token Secret. */
  legacy(namespace: string, sa: KubeObject, secretName: string): string {
    return signJwt(
      {
        iss: 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': namespace,
        'kubernetes.io/serviceaccount/secret.name': secretName,
        'kubernetes.io/serviceaccount/service-account.name': sa.metadata.name,
        'kubernetes.io/serviceaccount/service-account.uid': sa.metadata.uid,
        sub: `system:serviceaccount:${namespace}:${sa.metadata.name}`,
      },
      this.key,
    )
  }

  /**
   * Authenticates a bearer token. `audiences` are those the caller accepts (the API server's own by default, or a
   * TokenReview's spec.audiences); the result carries the intersection, as status.audiences does.
   */
  authenticate(token: string, audiences: string[] = [ISSUER]): Authentication {
    if (token === this.adminToken) return {user: {username: ADMIN_USER, groups: ['system:masters', 'system:authenticated']}, audiences}
    const claims = verifyJwt(token, this.key)
    if (!claims) return {error: '[invalid bearer token, token lookup failed]'}
    return claims.iss === 'kubernetes/serviceaccount' ? this.checkLegacy(claims) : this.checkBound(claims, audiences)
  }

  private checkBound(claims: Record<string, unknown>, accepted: string[]): Authentication {
    const fail = (why: string): Authentication => ({error: `[invalid bearer token, ${why}]`})
    const now = Math.floor(Date.now() / 1000)
    if (typeof claims.exp === 'number' && now > claims.exp) return fail('service account token has expired')
    if (typeof claims.nbf === 'number' && now < claims.nbf - 60) return fail('service account token is not valid yet')
    const tokenAudiences = Array.isArray(claims.aud) ? (claims.aud as string[]) : [String(claims.aud)]
    const audiences = accepted.filter((a) => tokenAudiences.includes(a))
    if (!audiences.length) return fail('token audiences ' + JSON.stringify(tokenAudiences) + ' is invalid for the target audiences ' + JSON.stringify(accepted))
    const k = claims['kubernetes.io'] as {namespace: string; serviceaccount: {name: string; uid: string}; pod?: {name: string; uid: string}; secret?: {name: string; uid: string}}
    const sa = this.store.get('serviceaccounts', k.namespace, k.serviceaccount.name)
    if (!sa) return fail(`serviceaccount "${k.serviceaccount.name}" not found`)
    if (sa.metadata.uid !== k.serviceaccount.uid) return fail(`service account UID (${sa.metadata.uid}) does not match claim (${k.serviceaccount.uid})`)
    for (const kind of ['pod', 'secret'] as const) {
      const bound = k[kind]
      if (!bound) continue
      const obj = this.store.get(kind === 'pod' ? 'pods' : 'secrets', k.namespace, bound.name)
      if (!obj) return fail(`${kind} "${bound.name}" not found`)
      if (obj.metadata.uid !== bound.uid) return fail(`${kind === 'pod' ? 'Pod' : 'Secret'} UID (${obj.metadata.uid}) does not match claim (${bound.uid})`)
    }
    const extra: Record<string, string[]> = {'authentication.kubernetes.io/credential-id': [`JTI=${String(claims.jti)}`]}
    if (k.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name]
      extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid]
    }
    return {user: serviceAccountUser(k.namespace, k.serviceaccount.name, k.serviceaccount.uid, extra), audiences}
  }

  private checkLegacy(claims: Record<string, unknown>): Authentication {
    const ns = String(claims['kubernetes.io/serviceaccount/namespace'])
    const name = String(claims['kubernetes.io/serviceaccount/service-account.name'])
    const secretName = String(claims['kubernetes.io/serviceaccount/secret.name'])
    const sa = this.store.get('serviceaccounts', ns, name)
    if (!sa || sa.metadata.uid !== claims['kubernetes.io/serviceaccount/service-account.uid']) {
      return {error: `[invalid bearer token, serviceaccount "${name}" not found]`}
    }
    if (!this.store.get('secrets', ns, secretName)) return {error: `[invalid bearer token, secret "${secretName}" not found]`}
    return {user: serviceAccountUser(ns, name, String(sa.metadata.uid)), audiences: [ISSUER]}
  }
}

function serviceAccountUser(namespace: string, name: string, uid: string, extra?: Record<string, string[]>): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    ...(extra ? {extra} : {}),
  }
}
