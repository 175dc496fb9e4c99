/**
 * The template the injector generates for `agent-inject-secret-NAME` without `agent-inject-template-NAME`
 * (vault-k8s agent-inject/agent/config.go DefaultMapTemplate / DefaultJSONTemplate). A module of its own: the injector
 * model needs this text on every `vsi patch`, and must not load the template engine for it.
 */
export function defaultTemplate(secretPath: string, type: 'map' | 'json' = 'map'): string {
  if (type === 'json') return `{{ with secret "${secretPath}" }}{{ .Data | toJSON }}\n{{ end }}`
  return `{{ with secret "${secretPath}" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}`
}
