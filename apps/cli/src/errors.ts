import {
  ConflictError,
  type EdgeMiningError,
  isEdgeMiningError,
  MiningPoolAuthError,
  MiningPoolRateLimitedError,
  MiningPoolResponseError,
  MiningPoolUnreachableError,
} from '@edge-mining/domain'

/** Process exit codes (documented in the README). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  rateLimited: 3,
  authFailed: 4,
  unreachable: 5,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Bad command line: unknown command or flag, missing argument. Exit 2 with usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  /** Print the command's usage before the message (not for e.g. a missing `--yes`). */
  readonly showUsage: boolean

  constructor(message: string, options: { showUsage?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.showUsage = options.showUsage ?? true
  }
}

/** An expected failure with a message meant for the user (no stack trace); exit 1 by default. */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly exitCode: ExitCode
  /** Already explained on the output (e.g. `rules check` listed the issues): print nothing more. */
  readonly silent: boolean

  constructor(
    message: string,
    options: { exitCode?: ExitCode; cause?: unknown; silent?: boolean } = {},
  ) {
    super(message, { cause: options.cause })
    this.exitCode = options.exitCode ?? EXIT.error
    this.silent = options.silent ?? false
  }
}

/**
 * Errors of the runtime and the database (EnvironmentError naming a variable; StorageError:
 * busy, read-only, corrupt…): expected conditions with clear messages. Recognised by name so
 * that this module loads neither (nor the native driver) for `--help`.
 */
const isEnvironmentError = (error: unknown): error is Error =>
  error instanceof Error && error.name === 'EnvironmentError'
const isStorageError = (error: unknown): error is Error =>
  error instanceof Error && error.name === 'StorageError'

/** Exit codes of the domain's error codes that have their own (device and pool alike). */
const EXIT_BY_CODE: Partial<Record<EdgeMiningError['code'], ExitCode>> = {
  rate_limited: EXIT.rateLimited,
  auth_failed: EXIT.authFailed,
  unreachable: EXIT.unreachable,
}

/** The exit code an error stands for. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError || isEnvironmentError(error)) return EXIT.usage
  if (error instanceof CliError) return error.exitCode
  if (isEdgeMiningError(error)) return EXIT_BY_CODE[error.code] ?? EXIT.error
  return EXIT.error
}

/** Words for each domain error code, before the service's own message. */
function devicePrefix(error: EdgeMiningError): string {
  if (error.code === 'unreachable') return 'Unreachable: '
  if (error.code === 'auth_failed') return 'Authentication failed: '
  if (error.code === 'rate_limited') return 'Rate-limited: '
  if (error.code === 'bad_response') return 'Invalid response: '
  return ''
}

/** The one line printed for an error: upstream's wording for pool errors, else the message. */
export function describeError(error: unknown): string {
  if (error instanceof MiningPoolRateLimitedError) {
    const wait = error.retry_after_seconds
    return wait
      ? `Pool rate-limited (retry after ${wait}s): ${error.message}`
      : `Pool rate-limited: ${error.message}`
  }
  if (error instanceof MiningPoolAuthError) return `Authentication failed: ${error.message}`
  if (error instanceof MiningPoolUnreachableError) return `Pool unreachable: ${error.message}`
  if (error instanceof MiningPoolResponseError) {
    return `Pool returned invalid response: ${error.message}`
  }
  if (error instanceof ConflictError) {
    // The service suggests the API's `force=true`; on the command line it is `--force`.
    return error.message.replace(/delete with force=true/, 'pass --force')
  }
  if (isEdgeMiningError(error)) return `${devicePrefix(error)}${error.message}`
  if (!isUnexpected(error)) return (error as Error).message
  if (error instanceof Error) return `Unexpected error: ${error.message}`
  return `Unexpected error: ${String(error)}`
}

/** A bug rather than an expected failure: worth a hint to rerun with --debug. */
export function isUnexpected(error: unknown): boolean {
  return !(
    isEdgeMiningError(error) ||
    isStorageError(error) ||
    isEnvironmentError(error) ||
    error instanceof CliError ||
    error instanceof UsageError
  )
}
