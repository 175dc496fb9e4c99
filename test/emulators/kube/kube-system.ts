/**
 * minikube's kube-system for Kubernetes 1.32 (minikube start, docker driver): the kubelet's static pods
 * (kubeadm's manifests, cmd/kubeadm/app/phases/controlplane and etcd; mirror pods owned by the Node,
 * pkg/kubelet/pod/mirror_client.go), the kube-proxy DaemonSet and the coredns Deployment kubeadm's addon phase creates
 * (cmd/kubeadm/app/phases/addons/{proxy,dns}; minikube scales coredns to one replica) and minikube's
 * storage-provisioner addon pod (minikube deploy/addons/storage-provisioner/storage-provisioner.yaml.tmpl).
 */
import {createHash} from 'node:crypto'

import type {Cluster} from './cluster.js'
import type {KubeObject} from './types.js'

import {NODE_IP, NODE_NAME} from './cluster.js'
import {podFromTemplate} from './controllers/replicaset.js'

const K8S_VERSION = 'v1.32.0'
const ETCD_IMAGE = 'registry.k8s.io/etcd:3.5.16-0'
const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3'
const NS = 'kube-system'

const sa = (name: string): KubeObject => ({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace: NS}})

/** One control-plane static pod as its mirror pod: labels component/tier, the config.* annotations, owned by the Node. */
function staticPod(component: string, image: string, command: string[], node: KubeObject, annotations: Record<string, string> = {}): KubeObject {
  const hash = createHash('md5').update(component + command.join(' ')).digest('hex')
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${component}-${NODE_NAME}`,
      namespace: NS,
      labels: {component, tier: 'control-plane'},
      annotations: {
        ...annotations,
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.mirror': hash,
        'kubernetes.io/config.seen': new Date().toISOString().replace('Z', '000Z'),
        'kubernetes.io/config.source': 'file',
      },
      ownerReferences: [{apiVersion: 'v1', kind: 'Node', name: NODE_NAME, uid: node.metadata.uid!, controller: true}],
    },
    spec: {
      nodeName: NODE_NAME,
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      priority: 2000001000,
      securityContext: {seccompProfile: {type: 'RuntimeDefault'}},
      tolerations: [{operator: 'Exists', effect: 'NoExecute'}],
      containers: [{name: component, image, imagePullPolicy: 'IfNotPresent', command}],
    },
  }
}

export async function createKubeSystem(cluster: Cluster): Promise<void> {
  const node = cluster.store.get('nodes', undefined, NODE_NAME)!
  for (const name of ['coredns', 'kube-proxy', 'storage-provisioner']) cluster.create(sa(name))

  const component = (name: string, flags: string[]) => [name, ...flags]
  cluster.create(
    staticPod('etcd', ETCD_IMAGE, component('etcd', [`--advertise-client-urls=https://${NODE_IP}:2379`, '--data-dir=/var/lib/minikube/etcd', `--listen-client-urls=https://127.0.0.1:2379,https://${NODE_IP}:2379`, `--name=${NODE_NAME}`]), node, {
      'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${NODE_IP}:2379`,
    }),
  )
  cluster.create(
    staticPod('kube-apiserver', `registry.k8s.io/kube-apiserver:${K8S_VERSION}`, component('kube-apiserver', [`--advertise-address=${NODE_IP}`, '--secure-port=8443', '--service-cluster-ip-range=10.96.0.0/12', '--authorization-mode=Node,RBAC']), node, {
      'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${NODE_IP}:8443`,
    }),
  )
  cluster.create(staticPod('kube-controller-manager', `registry.k8s.io/kube-controller-manager:${K8S_VERSION}`, component('kube-controller-manager', ['--cluster-cidr=10.244.0.0/16', '--leader-elect=false']), node))
  cluster.create(staticPod('kube-scheduler', `registry.k8s.io/kube-scheduler:${K8S_VERSION}`, component('kube-scheduler', ['--leader-elect=false']), node))

  // kube-dns Service and the coredns Deployment (its ReplicaSet and pod come from the controllers)
  cluster.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'coredns', namespace: NS},
    data: {Corefile: `.:53 {\n    log\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    hosts {\n       192.168.49.1 host.minikube.internal\n       fallthrough\n    }\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n`},
  })
  cluster.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name: 'kube-dns', namespace: NS, labels: {'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS'}, annotations: {'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true'}},
    spec: {
      clusterIP: '10.96.0.10',
      selector: {'k8s-app': 'kube-dns'},
      ports: [
        {name: 'dns', port: 53, protocol: 'UDP', targetPort: 53},
        {name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53},
        {name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153},
      ],
    },
  })
  cluster.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'coredns', namespace: NS, labels: {'k8s-app': 'kube-dns'}},
    spec: {
      replicas: 1,
      selector: {matchLabels: {'k8s-app': 'kube-dns'}},
      strategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: '25%'}},
      template: {
        metadata: {labels: {'k8s-app': 'kube-dns'}},
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          dnsPolicy: 'Default',
          nodeSelector: {'kubernetes.io/os': 'linux'},
          tolerations: [
            {key: 'CriticalAddonsOnly', operator: 'Exists'},
            {key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule'},
          ],
          volumes: [{name: 'config-volume', configMap: {name: 'coredns', items: [{key: 'Corefile', path: 'Corefile'}]}}],
          containers: [
            {
              name: 'coredns',
              image: COREDNS_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: ['-conf', '/etc/coredns/Corefile'],
              resources: {limits: {memory: '170Mi'}, requests: {cpu: '100m', memory: '70Mi'}},
              ports: [
                {name: 'dns', containerPort: 53, protocol: 'UDP'},
                {name: 'dns-tcp', containerPort: 53, protocol: 'TCP'},
                {name: 'metrics', containerPort: 9153, protocol: 'TCP'},
              ],
              volumeMounts: [{name: 'config-volume', mountPath: '/etc/coredns', readOnly: true}],
            },
          ],
        },
      },
    },
  })

  // kube-proxy: the DaemonSet and the one pod its controller runs on the single node
  const ds = cluster.create({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name: 'kube-proxy', namespace: NS, labels: {'k8s-app': 'kube-proxy'}},
    spec: {
      selector: {matchLabels: {'k8s-app': 'kube-proxy'}},
      updateStrategy: {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}},
      template: {
        metadata: {labels: {'k8s-app': 'kube-proxy'}},
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          nodeSelector: {'kubernetes.io/os': 'linux'},
          tolerations: [{operator: 'Exists'}],
          containers: [
            {
              name: 'kube-proxy',
              image: `registry.k8s.io/kube-proxy:${K8S_VERSION}`,
              imagePullPolicy: 'IfNotPresent',
              command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
              env: [{name: 'NODE_NAME', valueFrom: {fieldRef: {apiVersion: 'v1', fieldPath: 'spec.nodeName'}}}],
              securityContext: {privileged: true},
            },
          ],
        },
      },
    },
  })
  const revision = createHash('sha256').update(JSON.stringify(ds.spec.template)).digest('hex').slice(0, 10).replace(/^\d/, 'b')
  // pkg/controller/daemon: the pod carries the revision hash and template generation and is pinned to its node
  cluster.create(
    podFromTemplate(ds, {
      labels: {'controller-revision-hash': revision, 'pod-template-generation': '1'},
      spec: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: 'metadata.name', operator: 'In', values: [NODE_NAME]}]}]}}}},
    }),
  )
  cluster.writeStatus(ds, {currentNumberScheduled: 1, desiredNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1})

  cluster.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {name: 'storage-provisioner', namespace: NS, labels: {'addonmanager.kubernetes.io/mode': 'Reconcile', 'integration-test': 'storage-provisioner'}},
    spec: {
      serviceAccountName: 'storage-provisioner',
      hostNetwork: true,
      volumes: [{name: 'tmp', hostPath: {path: '/tmp', type: 'Directory'}}],
      containers: [{name: 'storage-provisioner', image: 'gcr.io/k8s-minikube/storage-provisioner:v5', imagePullPolicy: 'IfNotPresent', command: ['/storage-provisioner'], volumeMounts: [{mountPath: '/tmp', name: 'tmp'}]}],
    },
  })
  await cluster.queue.settle()
}
