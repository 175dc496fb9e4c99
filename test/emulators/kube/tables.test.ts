import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z')

/** A pod bound to a node without an emulated kubelet, so it keeps the status the test gives it. */
function podWithStatus(name: string, initStatus: Record<string, unknown>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name, namespace: 'default'},
    spec: {nodeName: 'minikube-m02', initContainers: [{name: 'vault-agent-init', image: 'hashicorp/vault:1.21.2'}], containers: [{name: 'app', image: 'busybox:1.36'}]},
    status: {
      phase: 'Pending',
      conditions: [{type: 'Initialized', status: 'False'}],
      initContainerStatuses: [{name: 'vault-agent-init', ready: false, image: 'hashicorp/vault:1.21.2', imageID: '', ...initStatus}],
      containerStatuses: [{name: 'app', ready: false, restartCount: 0, image: 'busybox:1.36', imageID: '', state: {waiting: {reason: 'PodInitializing'}}, lastState: {}}],
    },
  }
}

describe.skipIf(!hasKubectl)('tables as kubectl prints them from a real API server', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
  })
  afterAll(async () => {
    await kube?.stop()
  })

  it('counts init-container restarts with the time of the last one, and shows Init:CrashLoopBackOff', async () => {
    kube.store.put(
      podWithStatus('crashing', {
        restartCount: 3,
        state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container'}},
        lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: ago(13), finishedAt: ago(12)}},
      }),
    )
    const {stdout} = await kubectl(['get', 'pod', 'crashing'])
    expect(stdout).toMatch(/^crashing\s+0\/1\s+Init:CrashLoopBackOff\s+3 \(1[2-9]s ago\)\s+\d+s$/m)
  })

  it('shows Init:Error for an init container that exited non-zero', async () => {
    kube.store.put(podWithStatus('failed-init', {restartCount: 0, state: {terminated: {exitCode: 1, reason: 'Error', startedAt: ago(5), finishedAt: ago(4)}}, lastState: {}}))
    const {stdout} = await kubectl(['get', 'pod', 'failed-init'])
    expect(stdout).toMatch(/^failed-init\s+0\/1\s+Init:Error\s+0\s+\d+s$/m)
  })

  it('lists Endpoints as ip:port per port and address', async () => {
    const vault0 = kube.store.get('pods', 'default', 'vault-0')!
    const {stdout} = await kubectl(['get', 'endpoints', 'vault'])
    expect(stdout).toMatch(new RegExp(`^NAME\\s+ENDPOINTS\\s+AGE\\nvault\\s+${vault0.status.podIP.replace(/\./g, '\\.')}:8200,${vault0.status.podIP.replace(/\./g, '\\.')}:8201\\s+\\S+\\n$`))
  })

  it('prints the node\'s addresses, OS image, kernel and runtime under -o wide', async () => {
    const {stdout} = await kubectl(['get', 'nodes', '-o', 'wide'])
    expect(stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME\n/)
    expect(stdout).toMatch(/^minikube\s+Ready\s+control-plane\s+\S+\s+v1\.32\.0\s+192\.168\.49\.2\s+<none>\s+Ubuntu 22\.04\.5 LTS\s+\S+\s+docker:\/\/\S+$/m)
  })

  it('names the role a ClusterRoleBinding grants, and its subjects under -o wide', async () => {
    const {stdout} = await kubectl(['get', 'clusterrolebinding', 'vault-server-binding', '-o', 'wide'])
    expect(stdout).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\nvault-server-binding\s+ClusterRole\/system:auth-delegator\s+\S+\s+default:vault\n$/)
  })
})
