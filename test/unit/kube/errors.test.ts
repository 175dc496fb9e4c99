import {describe, expect, it} from 'vitest'

import {kubeError, statusError, transportError} from '../../../src/kube/errors.js'

const target = {server: 'https://10.0.0.1:6443', context: 'minikube'}
const op = {verb: 'patch', resource: 'deployments.apps', kind: 'deployment', name: 'orgchart', namespace: 'default'}

/** What client-node 1.4 throws: ApiException with the raw body text (undefined for 401). */
function apiException(code: number, body: unknown): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}\nMessage: Unknown API Status Code!\nBody: ${JSON.stringify(body)}\nHeaders: {}`), {code, body})
}

describe('kubeError', () => {
  it('names the verb and resource of a 403 from the Status message', () => {
    const body = JSON.stringify({kind: 'Status', reason: 'Forbidden', code: 403, message: 'deployments.apps "orgchart" is forbidden: User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "default"'})
    const error = kubeError(apiException(403, body), op, target)
    expect(error).toMatchObject({code: 'kube-forbidden', exitCode: 1, status: 403})
    expect(error.message).toBe('not allowed to patch deployments.apps "orgchart" in namespace "default": User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "default"')
    expect(error.hint).toContain('kubectl auth can-i patch deployments.apps -n default')
  })

  it('maps 401, 404, 409 and 5xx', () => {
    expect(kubeError(apiException(401, undefined), op, target)).toMatchObject({code: 'kube-unauthorized', message: expect.stringContaining('context "minikube"')})
    expect(kubeError(apiException(404, '{"reason":"NotFound"}'), op, target).message).toBe('deployment "orgchart" not found in namespace "default"')
    expect(kubeError(apiException(409, '{"reason":"AlreadyExists","message":"x exists"}'), op, target)).toMatchObject({code: 'kube-already-exists', reason: 'AlreadyExists'})
    expect(kubeError(apiException(503, 'upstream connect error'), op, target)).toMatchObject({code: 'kube-server-error', message: expect.stringContaining('HTTP 503: upstream connect error')})
  })

  it('a 404 from the namespace itself says the namespace does not exist, not the object', () => {
    const create = {verb: 'create', resource: 'serviceaccounts', kind: 'service account', name: 'internal-app', namespace: 'apps'}
    const body = JSON.stringify({kind: 'Status', reason: 'NotFound', code: 404, message: 'namespaces "apps" not found', details: {name: 'apps', kind: 'namespaces'}})
    expect(kubeError(apiException(404, body), create, target)).toMatchObject({
      code: 'kube-namespace-not-found',
      message: 'namespace "apps" does not exist in context "minikube"',
      hint: 'Create it (kubectl create namespace apps) or pick another with -n.',
    })
  })

  it('names the server for network and TLS failures', () => {
    const refused = Object.assign(new Error('request to https://10.0.0.1:6443/x failed, reason: connect ECONNREFUSED'), {name: 'FetchError', code: 'ECONNREFUSED'})
    expect(transportError(refused, op, target)).toMatchObject({code: 'kube-unreachable', message: 'cannot reach the Kubernetes API server at https://10.0.0.1:6443: connection refused'})
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), {code: 'SELF_SIGNED_CERT_IN_CHAIN'})
    expect(transportError(tls, op, target)).toMatchObject({code: 'kube-tls'})
    expect(transportError(Object.assign(new Error('aborted'), {name: 'AbortError'}), op, target)).toMatchObject({code: 'timeout'})
    expect(statusError(400, '{"message":"container x is not valid for pod y"}', {verb: 'create', resource: 'pods/exec', name: 'y'}, target).message).toContain('container x is not valid')
  })
})
