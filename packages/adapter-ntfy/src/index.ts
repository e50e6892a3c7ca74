export {
  NTFY_DEFAULT_SERVER,
  NTFY_PRIORITIES,
  NTFY_SECRET_FIELDS,
  type NtfyNotifierConfig,
  type NtfyNotifierConfigInput,
  NtfyNotifierConfigSchema,
  ntfyNotifierConfigJsonSchema,
  parseNtfyConfig,
  REDACTED,
  redactNtfyConfig,
} from './config'
export {
  cutToBytes,
  headerValue,
  NTFY_EVENT_PRIORITY,
  NTFY_EVENT_TAGS,
  NTFY_MAX_MESSAGE_BYTES,
  NTFY_MAX_TITLE,
  ntfyBody,
  ntfyTitle,
  TRUNCATED_SUFFIX,
} from './format'
export {
  createNtfyNotifier,
  type NtfyNotifier,
  type NtfyNotifierOptions,
  ntfyHeaders,
  ntfyNotifierDefinition,
} from './notifier'
