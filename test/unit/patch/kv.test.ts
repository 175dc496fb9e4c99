import {describe, expect, it} from 'vitest'

import {annotationSecretPath} from '../../../src/patch/kv.js'

describe('KV path → API path', () => {
  it('inserts data/ after the mount on KV v2, and says so', () => {
    expect(annotationSecretPath('internal/database/config', 2)).toEqual({apiPath: 'internal/data/database/config', translated: true})
    expect(annotationSecretPath('/secret/app/', 2)).toEqual({apiPath: 'secret/data/app', translated: true})
  })

  it('keeps a v2 path that already has data/ and any KV v1 path', () => {
    expect(annotationSecretPath('internal/data/database/config', 2)).toEqual({apiPath: 'internal/data/database/config', translated: false})
    expect(annotationSecretPath('internal/database/config', 1)).toEqual({apiPath: 'internal/database/config', translated: false})
  })

  it('uses a known mount with several segments instead of the first one', () => {
    expect(annotationSecretPath('team/kv/app/config', 2, 'team/kv')).toEqual({apiPath: 'team/kv/data/app/config', translated: true})
    expect(annotationSecretPath('team/kv/data/app', 2, 'team/kv/')).toEqual({apiPath: 'team/kv/data/app', translated: false})
  })
})
