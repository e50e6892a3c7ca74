/** What responses show instead of a secret; sending it back in an update keeps the stored one. */
export const SECRET_PLACEHOLDER = '***'

/** The config with every secret field that has a value replaced by `***`. */
export function maskSecrets(
  config: Record<string, unknown>,
  secretFields: readonly string[],
): Record<string, unknown> {
  if (secretFields.length === 0) return config
  const masked = { ...config }
  for (const field of secretFields) {
    if (masked[field] !== undefined && masked[field] !== null && masked[field] !== '') {
      masked[field] = SECRET_PLACEHOLDER
    }
  }
  return masked
}

/** The secret values of a config (what error texts and logs must never show). */
export function secretValues(
  config: Record<string, unknown>,
  secretFields: readonly string[],
): string[] {
  return secretFields
    .map((field) => config[field])
    .filter((value): value is string => typeof value === 'string' && value.length > 0)
}

/**
 * An update's config over the stored one: keys left out are kept, a key sent as null goes back
 * to its default, and a secret left out or sent back as `***` keeps its stored value.
 */
export function mergeConfig(
  stored: Record<string, unknown>,
  changes: Record<string, unknown>,
  secretFields: readonly string[],
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored }
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key]
    else if (secretFields.includes(key) && value === SECRET_PLACEHOLDER) continue
    else merged[key] = value
  }
  return merged
}

/** Replaces every occurrence of a secret in `text` with `***` (error messages from adapters). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(SECRET_PLACEHOLDER)
  }
  return out
}
