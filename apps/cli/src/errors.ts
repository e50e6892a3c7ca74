import {
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
 * A database failure (`@edge-mining/storage`'s StorageError: busy, read-only, corrupt…): an
 * expected condition with a message naming the file. Recognised by name so that this module
 * does not load the storage package (and its native driver) for `--help`.
 */
function isStorageError(error: unknown): error is Error {
  return error instanceof Error && /^(StorageError|TrackerAlreadyExistsError)$/.test(error.name)
}

/** The exit code an error stands for. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage
  if (error instanceof CliError) return error.exitCode
  if (error instanceof MiningPoolRateLimitedError) return EXIT.rateLimited
  if (error instanceof MiningPoolAuthError) return EXIT.authFailed
  if (error instanceof MiningPoolUnreachableError) return EXIT.unreachable
  return EXIT.error
}

/** Upstream's wording for pool errors (upstream-behaviour.md §7, "Test"). */
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
  if (
    isEdgeMiningError(error) ||
    isStorageError(error) ||
    error instanceof CliError ||
    error instanceof UsageError
  ) {
    return error.message
  }
  if (error instanceof Error) return `Unexpected error: ${error.message}`
  return `Unexpected error: ${String(error)}`
}

/** A bug rather than an expected failure: worth a hint to rerun with --debug. */
export function isUnexpected(error: unknown): boolean {
  return !(
    isEdgeMiningError(error) ||
    isStorageError(error) ||
    error instanceof CliError ||
    error instanceof UsageError
  )
}
