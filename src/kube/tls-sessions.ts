import type {Agent as HttpAgent} from 'node:http'
import type {Agent as HttpsAgent, AgentOptions} from 'node:https'

/**
 * One HTTPS agent per client, for its REST calls and its exec/port-forward streams, so that every connection after
 * the first resumes the TLS session (a session ticket) instead of a full handshake. A full handshake costs the client
 * the parsing and checking of the server's certificate chain (Node skips checkServerIdentity on a resumed session) and
 * the server a signature: with 100 exec streams and a dozen lists in `vsi verify -f`, that was most of the CPU.
 *
 * client-node builds a fresh agent for every request (KubeConfig.createAgent, from the kubeconfig's TLS material);
 * `share(agent)` swaps it for the shared one built from the same options. Proxy agents (HttpsProxyAgent, SOCKS) and
 * plain-HTTP agents are returned as they are. Connections are not kept alive: only TLS sessions are reused, so no
 * request is ever sent on an idle socket the server may be closing.
 */
export type ShareAgent = <A extends HttpAgent | HttpsAgent | undefined>(agent: A) => A

/** The TLS options of client-node's agent that make a connection's identity: the shared agent is keyed by them. */
const IDENTITY = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const

function identity(options: AgentOptions): string {
  return IDENTITY.map((name) => {
    const value = options[name] as unknown
    return Buffer.isBuffer(value) ? value.toString('base64') : JSON.stringify(value ?? null)
  }).join('\0')
}

export async function tlsSessionSharing(): Promise<ShareAgent> {
  const [{Agent}, {createSecureContext}] = await Promise.all([import('node:https'), import('node:tls')])
  const shared = new Map<string, HttpsAgent>()
  return (<A extends HttpAgent | HttpsAgent | undefined>(agent: A): A => {
    // Exactly client-node's https.Agent: proxy agents are http.Agent subclasses and must stay as they are.
    if (!agent || agent.constructor !== Agent) return agent
    const options = (agent as unknown as {options: AgentOptions}).options
    const key = identity(options)
    let reused = shared.get(key)
    if (!reused) {
      const {ca, cert, key: privateKey, pfx, passphrase} = options
      reused = new Agent({
        ...options,
        keepAlive: false,
        // Parsing the CA and client certificate once, not per connection.
        secureContext: createSecureContext({ca, cert, key: privateKey, pfx, passphrase}),
      })
      shared.set(key, reused)
    }
    return reused as A
  }) as ShareAgent
}
