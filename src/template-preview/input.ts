import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import type {InputKind, ManifestPodTemplate} from '../annotations/manifest.js'
import {inputKindOf, podTemplatesFromManifest} from '../annotations/manifest.js'
import {hasInjectorAnnotations, injectionSpec} from '../annotations/injection.js'
import type {AgentTemplate} from '../annotations/templates.js'
import {inputError, usageError} from '../errors.js'
import {fromGoBytes} from '../go-template/index.js'
import type {KubeClient} from '../kube/client.js'
import {formatRef, parseTargetRef} from '../kube/workload.js'

/** The templates to render, and where they came from. */
export interface TemplateInput {
  /** The file, `stdin`, or `deployment/orgchart`. */
  source: string
  templates: AgentTemplate[]
}

export interface InputOptions {
  kube: () => Promise<KubeClient>
  namespace?: string
  readStdin: () => Promise<string>
  /** `--as`: what a file or stdin is, when its extension and content should not decide. */
  as?: InputKind
}

const templatesOf = (t: ManifestPodTemplate): AgentTemplate[] => injectionSpec(t.podMetadata, t.podSpec).templates

function fromManifest(text: string, source: string): AgentTemplate[] {
  const podTemplates = podTemplatesFromManifest(text, source)
  const annotated = podTemplates.filter((t) => templatesOf(t).length > 0)
  if (annotated.length === 0) {
    const misplaced = podTemplates.find((t) => hasInjectorAnnotations(t.objectAnnotations))
    throw inputError(
      `${source} has no agent-inject-secret-* or agent-inject-template-* annotation on a pod template`,
      misplaced
        ? `The annotations of ${misplaced.label} are on its own metadata; the injector only reads the pod template's (spec.template.metadata.annotations).`
        : 'Give a manifest or patch with vault.hashicorp.com annotations, or a template file.',
    )
  }
  return annotated.flatMap((t) =>
    templatesOf(t).map((template) => (annotated.length > 1 ? {...template, origin: `${t.label}: ${template.origin}`} : template)),
  )
}

function fromTemplateText(text: string, source: string): AgentTemplate[] {
  return [{name: path.basename(source), text, origin: source, errorOnMissingKey: false}]
}

/**
 * Reads what to render: a manifest or patch file (its pod templates' annotations), a bare template file, `-` for
 * stdin, or a live workload (`deployment/NAME`, `statefulset/NAME`, `daemonset/NAME`, a pod).
 */
export async function loadTemplateInput(source: string, options: InputOptions): Promise<TemplateInput> {
  if (source === '-' || existsSync(source)) {
    const label = source === '-' ? 'stdin' : source
    let text: string
    // A template file is Go's bytes: the agent writes bytes that are not UTF-8 as they are (a manifest is UTF-8).
    let bytes: Buffer | undefined
    try {
      text = source === '-' ? await options.readStdin() : (bytes = await readFile(source)).toString('utf8')
    } catch (error) {
      throw inputError(`cannot read ${label}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
    const kind = options.as ?? inputKindOf(text, label)
    return {source: label, templates: kind === 'manifest' ? fromManifest(text, label) : fromTemplateText(bytes ? fromGoBytes(bytes) : text, label)}
  }
  if (!source.includes('/') || /\.(ya?ml|json|tpl|tmpl|ctmpl)$/i.test(source)) {
    throw usageError(`${source}: no such file`, 'Give a manifest, patch or template file, or a workload such as deployment/NAME.')
  }
  const ref = parseTargetRef(source)
  const kube = await options.kube()
  const namespace = options.namespace ?? kube.namespace
  const template = ref.kind === 'Pod' ? await kube.getPod(ref.name, namespace) : (await kube.getWorkload(ref, namespace)).spec?.template
  const {templates} = injectionSpec(template?.metadata ?? {}, template?.spec)
  if (templates.length === 0) {
    throw inputError(`${formatRef(ref)} in namespace ${namespace} has no agent-inject-secret-* or agent-inject-template-* annotation on its pod template`)
  }
  return {source: formatRef(ref), templates}
}
