/**
 * The JSON Schema of vsi.yaml (draft 2020-12). `npm run build` writes it to docs/vsi.schema.json, which editors use
 * through `# yaml-language-server: $schema=…`; vsi validates files with this same object (./schema-check.ts).
 */
const NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'

const dataSource = {
  description: 'Where a value comes from. Never a literal secret in the file: use fromEnv, fromFile or prompt for those.',
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    value: {type: 'string', description: 'A literal value (for things that are not secret, such as a user name).'},
    fromEnv: {type: 'string', minLength: 1, description: 'The name of an environment variable.'},
    fromFile: {type: 'string', minLength: 1, description: 'A file path, relative to vsi.yaml; its whole content is the value.'},
    prompt: {const: true, description: 'Ask on the terminal (only when stdin is a TTY and CI is not set).'},
  },
}

const secret = {
  type: 'object',
  required: ['file', 'path'],
  additionalProperties: false,
  properties: {
    file: {type: 'string', minLength: 1, description: 'The file the agent writes: /vault/secrets/<file>.'},
    path: {type: 'string', minLength: 1, description: 'The KV path as the vault CLI takes it, under the KV engine: internal/database/config.'},
    format: {enum: ['map', 'env', 'json', 'template'], default: 'map', description: "How the file is rendered; map is the injector's default."},
    keys: {type: 'array', items: {type: 'string', minLength: 1}, uniqueItems: true, description: 'Keys the secret must have (verify) and that generated templates render.'},
    template: {type: 'string', minLength: 1, description: 'An agent template (format: template).'},
    templateFile: {type: 'string', minLength: 1, description: 'A file holding the agent template, relative to vsi.yaml (format: template).'},
    data: {
      type: 'object',
      minProperties: 1,
      description: 'Values vsi writes to the secret (all of its keys). Without data, the secret must already exist.',
      additionalProperties: dataSource,
    },
  },
}

const injector = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prePopulateOnly: {type: 'boolean', description: 'Only the init container (agent-pre-populate-only): for Jobs.'},
    initFirst: {type: 'boolean', description: 'Run the agent init container first (agent-init-first).'},
    agentImage: {type: 'string', minLength: 1, description: 'The agent image (agent-image).'},
    annotations: {
      type: 'object',
      description: 'More injector annotations: `agent-limits-cpu: 250m` or with the vault.hashicorp.com/ prefix.',
      additionalProperties: {type: 'string'},
    },
  },
}

const app = {
  type: 'object',
  required: ['name', 'secrets'],
  additionalProperties: false,
  properties: {
    name: {type: 'string', pattern: NAME, maxLength: 63, description: 'The Vault role and policy name, and the default service account.'},
    namespace: {type: 'string', pattern: NAME, maxLength: 63, description: "Default: the kubeconfig context's namespace."},
    serviceAccount: {type: 'string', pattern: NAME, maxLength: 253, description: 'Default: the app name.'},
    ttl: {type: 'string', minLength: 1, default: '24h', description: 'Token TTL of the role: seconds or a Go duration.'},
    workloads: {
      type: 'array',
      items: {type: 'string', pattern: '^(deployment|deploy|statefulset|sts|daemonset|ds)/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$'},
      uniqueItems: true,
      description: 'Controllers to annotate and verify: deployment/NAME, statefulset/NAME, daemonset/NAME.',
    },
    policies: {type: 'array', items: {type: 'string', minLength: 1}, uniqueItems: true, description: 'Existing policies the role also gets.'},
    secrets: {type: 'array', minItems: 1, items: secret},
    injector,
  },
}

export const SPEC_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'vsi.yaml',
  description: 'Vault Agent Injector setup for many apps: Vault engine, auth, policies, roles, service accounts, secrets and workload annotations.',
  type: 'object',
  required: ['apiVersion', 'kind', 'apps'],
  additionalProperties: false,
  properties: {
    apiVersion: {const: 'vsi/v1'},
    kind: {const: 'Injection'},
    vault: {
      type: 'object',
      additionalProperties: false,
      properties: {
        kv: {
          type: 'object',
          additionalProperties: false,
          properties: {
            path: {type: 'string', pattern: '^[^/\\s]+(/[^/\\s]+)*/?$', default: 'internal'},
            version: {enum: [1, 2], default: 2, description: 'The KV engine version: 2 (versioned: policies and annotations use its data/ paths) or 1.'},
          },
        },
        auth: {
          type: 'object',
          additionalProperties: false,
          properties: {path: {type: 'string', pattern: '^[^/\\s]+(/[^/\\s]+)*/?$', default: 'kubernetes'}},
        },
      },
    },
    apps: {type: 'array', minItems: 1, items: app},
  },
} as const
