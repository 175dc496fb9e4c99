import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

/**
 * The API server's certificate names what minikube's apiserver.crt names (minikube pkg/minikube/bootstrapper/certs.go:
 * the service IP, the node IP, 127.0.0.1, 10.0.0.1, kubernetes[.default[.svc[.cluster.local]]], localhost,
 * control-plane.minikube.internal): a client in a pod verifies it under any of them.
 */
describe.skipIf(!hasKubectl)('the API server certificate', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'empty'})
    kubectl = kubectlFor(kube)
  })
  afterAll(() => kube?.stop())

  const names = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', '10.96.0.1', '192.168.49.2', 'control-plane.minikube.internal', 'localhost', '127.0.0.1']
  it.each(names)('verifies as %s', async (name) => {
    const r = await kubectl(['get', '--raw', '/version', `--tls-server-name=${name}`])
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).gitVersion).toMatch(/^v1\.32\./)
  })

  it('fails verification under a name it does not carry', async () => {
    const r = await kubectl(['get', '--raw', '/version', '--tls-server-name=vault.default.svc'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('x509: certificate is valid for minikubeCA, control-plane.minikube.internal, kubernetes.default.svc.cluster.local, kubernetes.default.svc, kubernetes.default, kubernetes, localhost, not vault.default.svc')
  })
})
