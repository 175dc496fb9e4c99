import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

describe.skipIf(!hasKubectl)('kubectl auth whoami and auth can-i --list against the emulator', () => {
  let kube: KubeEmulator
  let admin: ReturnType<typeof kubectlFor>
  let reader: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'empty'})
    admin = kubectlFor(kube)
    for (const args of [
      ['create', 'serviceaccount', 'reader'],
      ['create', 'role', 'secret-reader', '--verb=get', '--resource=secrets', '--resource-name=db'],
      ['create', 'rolebinding', 'reader-secrets', '--role=secret-reader', '--serviceaccount=default:reader'],
    ]) {
      expect((await admin(args)).code).toBe(0)
    }
    reader = kubectlFor(kube, {token: kube.issueServiceAccountToken('default', 'reader')})
  })
  afterAll(() => kube?.stop())

  it('answers whoami with a SelfSubjectReview (authentication.k8s.io/v1, a protobuf body)', async () => {
    const who = await admin(['auth', 'whoami'])
    expect(who).toMatchObject({code: 0, stdout: 'ATTRIBUTE   VALUE\nUsername    kubernetes-admin\nGroups      [system:masters system:authenticated]\n'})
    const request = kube.requests.find((r) => r.path === '/apis/authentication.k8s.io/v1/selfsubjectreviews')!
    expect(request).toMatchObject({method: 'POST', status: 201})
    expect(request.contentType).toMatch(/^application\/vnd\.kubernetes\.protobuf/)
    const asReader = JSON.parse((await reader(['auth', 'whoami', '-o', 'json'])).stdout)
    expect(asReader).toMatchObject({kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', status: {userInfo: {username: 'system:serviceaccount:default:reader'}}})
    expect(asReader.status.userInfo.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'])
  })

  it('lists what the caller may do with a SelfSubjectRulesReview, RBAC rules from the role bindings of the namespace', async () => {
    const list = await reader(['auth', 'can-i', '--list'])
    expect(list.code).toBe(0)
    const rows = list.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/))
    expect(rows[0]).toEqual(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'])
    expect(rows).toContainEqual(['secrets', '[]', '[db]', '[get]'])
    expect(rows).toContainEqual(['selfsubjectrulesreviews.authorization.k8s.io', '[]', '[]', '[create]'])
    expect(rows).toContainEqual(['[/api/*]', '[]', '[get]'])
    // the binding is namespaced: elsewhere the reader has only the cluster-wide basics
    const elsewhere = await reader(['auth', 'can-i', '--list', '-n', 'kube-system'])
    expect(elsewhere.stdout).not.toContain('secrets')
    const admins = (await admin(['auth', 'can-i', '--list'])).stdout.split('\n')
    expect(admins[1]).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/)
  })

  it('applies a change to a Role, RoleBinding or ClusterRoleBinding from the next request on (rules derived once are not kept)', async () => {
    const canI = async (...args: string[]) => (await reader(['auth', 'can-i', ...args])).stdout.trim()
    expect(await canI('get', 'secrets/db')).toBe('yes')
    expect(await canI('list', 'secrets')).toBe('no')
    expect((await admin(['patch', 'role', 'secret-reader', '--type=json', '-p', '[{"op":"add","path":"/rules/-","value":{"apiGroups":[""],"resources":["secrets"],"verbs":["list"]}}]'])).code).toBe(0)
    expect(await canI('list', 'secrets')).toBe('yes')
    expect((await admin(['delete', 'rolebinding', 'reader-secrets'])).code).toBe(0)
    expect(await canI('get', 'secrets/db')).toBe('no')
    expect(await canI('list', 'pods', '-n', 'kube-system')).toBe('no')
    expect((await admin(['create', 'clusterrolebinding', 'reader-view', '--clusterrole=cluster-admin', '--serviceaccount=default:reader'])).code).toBe(0)
    expect(await canI('list', 'pods', '-n', 'kube-system')).toBe('yes')
    expect((await admin(['delete', 'clusterrolebinding', 'reader-view'])).code).toBe(0)
    expect(await canI('list', 'pods', '-n', 'kube-system')).toBe('no')
    expect((await admin(['create', 'rolebinding', 'reader-secrets', '--role=secret-reader', '--serviceaccount=default:reader'])).code).toBe(0)
    expect(await canI('get', 'secrets/db')).toBe('yes')
  })

  it('refuses a SelfSubjectRulesReview without a namespace as the registry does', async () => {
    const body = JSON.stringify({apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {}})
    const raw = await admin(['create', '--raw', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', '-f', '-'], body)
    expect(raw).toMatchObject({code: 1, stderr: 'Error from server (BadRequest): no namespace on request\n'})
  })
})
