// Go error formatting that leaks into Vault's error strings.

/** hashicorp/go-multierror ListFormatFunc. */
export function multierror(messages: string[]): string {
  if (messages.length === 1) return `1 error occurred:\n\t* ${messages[0]}\n\n`
  return `${messages.length} errors occurred:\n\t${messages.map((m) => `* ${m}`).join('\n\t')}\n\n`
}
