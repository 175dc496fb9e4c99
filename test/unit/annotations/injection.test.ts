import {describe, expect, it} from 'vitest'

import {injectionSpec} from '../../../src/annotations/injection.js'

const P = 'vault.hashicorp.com/'
const of = (annotations: Record<string, string>, containers: string[] = [], initContainers: string[] = []) =>
  injectionSpec({annotations}, {containers: containers.map((name) => ({name})), initContainers: initContainers.map((name) => ({name}))})

// vault-k8s agent-inject/agent/agent.go (New, ShouldInject, Patch) and annotations.go (secrets, prePopulate…).
describe('injectionSpec: what the injector adds to a pod', () => {
  it('adds vault-agent-init and the vault-agent sidecar by default, and injects only when agent-inject parses true', () => {
    const spec = of({[`${P}agent-inject`]: 'True', [`${P}agent-inject-secret-a`]: 'internal/data/a'})
    expect(spec).toMatchObject({inject: true, wouldInject: true, alreadyInjected: false, prePopulate: true, prePopulateOnly: false, initFirst: false})
    expect([spec.initContainer, spec.sidecar]).toEqual(['vault-agent-init', 'vault-agent'])
    expect(of({[`${P}agent-inject`]: 'yes'}).inject).toBe(false)
    expect(of({}).inject).toBe(false)
  })

  it('agent-pre-populate-only drops the sidecar, agent-pre-populate "false" the init container, agent-init-first orders it', () => {
    const only = of({[`${P}agent-pre-populate-only`]: 'true', [`${P}agent-init-first`]: '1'})
    expect([only.initContainer, only.sidecar, only.initFirst]).toEqual(['vault-agent-init', undefined, true])
    const noInit = of({[`${P}agent-pre-populate`]: 'false'})
    expect([noInit.initContainer, noInit.sidecar]).toEqual([undefined, 'vault-agent'])
    // parseutil.ParseBool reads "" as false, so an empty agent-pre-populate removes the init container too.
    expect(of({[`${P}agent-pre-populate`]: ''}).initContainer).toBeUndefined()
  })

  it('reads agent-inject-status: "injected" means the webhook skips the pod; the agent containers it carries are listed', () => {
    const injected = of({[`${P}agent-inject`]: 'true', [`${P}agent-inject-status`]: 'injected'}, ['app', 'vault-agent'], ['vault-agent-init'])
    expect(injected).toMatchObject({status: 'injected', alreadyInjected: true, wouldInject: false, agentContainers: ['vault-agent-init', 'vault-agent']})
    const update = of({[`${P}agent-inject`]: 'true', [`${P}agent-inject-status`]: 'update'}, ['app'])
    expect(update).toMatchObject({status: 'update', alreadyInjected: false, wouldInject: true, agentContainers: []})
  })

  it('reads values as written: a blank secret key creates nothing, other values are not trimmed, "" means unset', () => {
    const spec = of({
      [`${P}agent-inject-secret-blank`]: '  ',
      [`${P}agent-inject-secret-a`]: 'internal/data/a',
      [`${P}agent-inject-template-a`]: ' {{ "x" }} ',
      [`${P}role`]: ' app ',
      [`${P}auth-path`]: '',
    })
    expect(spec.secrets.map((secret) => secret.rawName)).toEqual(['a'])
    expect(spec.templates[0]).toMatchObject({name: 'a', text: ' {{ "x" }} ', secretPath: 'internal/data/a'})
    expect(spec.role).toBe(' app ')
    expect([spec.authMount, spec.authMountSource]).toEqual(['kubernetes', 'default'])
    expect(spec.files).toEqual([{secret: 'a', path: '/vault/secrets/a', vaultPath: 'internal/data/a'}])
  })
})
