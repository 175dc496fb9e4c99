import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeObject} from './index.js'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

/** minikube's kube-system for Kubernetes 1.32, as `kubectl get … -n kube-system` shows it on a fresh `minikube start`. */
describe.skipIf(!hasKubectl)("minikube's kube-system", () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>
  let pods: KubeObject[]
  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'empty'})
    kubectl = kubectlFor(kube)
    pods = (JSON.parse((await kubectl(['get', 'pods', '-n', 'kube-system', '-o', 'json'])).stdout) as {items: KubeObject[]}).items
  })
  afterAll(() => kube?.stop())

  const pod = (prefix: string) => pods.find((p) => p.metadata.name.startsWith(prefix))!
  const owner = (p: KubeObject) => p.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}`)

  it('runs the seven pods, all Running and ready', async () => {
    const {stdout} = await kubectl(['get', 'pods', '-n', 'kube-system', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name,PHASE:.status.phase,READY:.status.containerStatuses[0].ready'])
    expect(stdout.trim().split('\n').map((l) => l.split(/\s+/).join(' '))).toEqual([
      expect.stringMatching(/^coredns-[a-z0-9]{8,10}-[a-z0-9]{5} Running true$/),
      'etcd-minikube Running true',
      'kube-apiserver-minikube Running true',
      'kube-controller-manager-minikube Running true',
      expect.stringMatching(/^kube-proxy-[a-z0-9]{5} Running true$/),
      'kube-scheduler-minikube Running true',
      'storage-provisioner Running true',
    ])
  })

  it('gives the control plane static pods as mirror pods owned by the node, on the host network', () => {
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const p = pod(`${name}-minikube`)
      expect(p.metadata.labels).toEqual({component: name, tier: 'control-plane'})
      expect(owner(p)).toEqual(['Node/minikube'])
      expect(p.metadata.annotations?.['kubernetes.io/config.source']).toBe('file')
      expect(p.metadata.annotations?.['kubernetes.io/config.mirror']).toBe(p.metadata.annotations?.['kubernetes.io/config.hash'])
      expect(p.spec).toMatchObject({hostNetwork: true, priorityClassName: 'system-node-critical', nodeName: 'minikube'})
      // the ServiceAccount admission plugin leaves mirror pods alone: no account, no token volume
      expect(p.spec.serviceAccountName).toBeUndefined()
      expect(p.spec.volumes ?? []).toEqual([])
      expect(p.status.podIP).toBe('192.168.49.2')
    }
    expect(pod('kube-apiserver-minikube').metadata.annotations?.['kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint']).toBe('192.168.49.2:8443')
  })

  it('runs coredns from its Deployment and kube-proxy from its DaemonSet, with their labels', async () => {
    const coredns = pod('coredns-')
    const rs = coredns.metadata.ownerReferences![0]
    expect(rs).toMatchObject({kind: 'ReplicaSet', name: `coredns-${coredns.metadata.labels!['pod-template-hash']}`, controller: true})
    expect(coredns.metadata.labels).toEqual({'k8s-app': 'kube-dns', 'pod-template-hash': expect.any(String)})
    expect(coredns.spec.serviceAccountName).toBe('coredns')
    const rsOwner = JSON.parse((await kubectl(['get', 'rs', '-n', 'kube-system', rs.name, '-o', 'jsonpath={.metadata.ownerReferences[0]}'])).stdout)
    expect(rsOwner).toMatchObject({kind: 'Deployment', name: 'coredns'})

    const proxy = pod('kube-proxy-')
    expect(owner(proxy)).toEqual(['DaemonSet/kube-proxy'])
    expect(proxy.metadata.labels).toEqual({'controller-revision-hash': expect.stringMatching(/^[a-z0-9]+$/), 'k8s-app': 'kube-proxy', 'pod-template-generation': '1'})
    expect(proxy.status.podIP).toBe('192.168.49.2')
    const ds = await kubectl(['get', 'ds', '-n', 'kube-system'])
    expect(ds.stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nkube-proxy\s+1\s+1\s+1\s+1\s+1\s+kubernetes\.io\/os=linux\s+\S+\n$/)
    const svc = await kubectl(['get', 'svc', '-n', 'kube-system', 'kube-dns', '--no-headers'])
    expect(svc.stdout).toMatch(/^kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s+/)
  })

  it('runs storage-provisioner as a bare addon pod', () => {
    const p = pod('storage-provisioner')
    expect(p.metadata.ownerReferences).toBeUndefined()
    expect(p.metadata.labels).toEqual({'addonmanager.kubernetes.io/mode': 'Reconcile', 'integration-test': 'storage-provisioner'})
    expect(p.spec.containers[0].image).toBe('gcr.io/k8s-minikube/storage-provisioner:v5')
  })
})
