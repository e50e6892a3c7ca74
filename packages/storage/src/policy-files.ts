import { randomBytes } from 'node:crypto'
import nodeFs from 'node:fs'
import nodePath from 'node:path'
import { InvalidValueError, type PolicyFile, type PolicyFileStore } from '@edge-mining/domain'
import { StorageError, type StorageErrorCode } from './errors'

/** A file name without `.yaml`: no separators, no leading dot, so no way out of the folder. */
const POLICY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
/** `.<id>.yaml.<12 hex>.tmp`: hidden and not `*.yaml`, so `list` never sees one. */
const TEMP_FILE_PATTERN = /^\.[A-Za-z0-9][A-Za-z0-9._-]*\.yaml\.[0-9a-f]{12}\.tmp$/
/** A temporary file this old is left over from a crash, not a write in progress. */
const STALE_TEMP_MS = 60 * 60 * 1000
const FOLDER_MODE = 0o700

/** A file of the policy folder that `list` skips. */
export interface UnreadablePolicyFile {
  /** The file name without `.yaml`. */
  id: string
  path: string
  message: string
}

/** The file-system calls the store makes (node:fs by default; tests inject failures). */
export type PolicyFileSystem = Pick<
  typeof nodeFs,
  | 'closeSync'
  | 'fstatSync'
  | 'fsyncSync'
  | 'mkdirSync'
  | 'openSync'
  | 'readdirSync'
  | 'readFileSync'
  | 'renameSync'
  | 'statSync'
  | 'unlinkSync'
  | 'writeFileSync'
>

export interface PolicyFileStoreOptions {
  /** Told about each `*.yaml` file `list` skips (unreadable, or not a valid id). Default: a process warning. */
  onUnreadableFile?: (file: UnreadablePolicyFile) => void
  /** Default `node:fs`. */
  fs?: PolicyFileSystem
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

function codeFor(systemCode: string): StorageErrorCode {
  if (systemCode === 'EROFS') return 'read_only'
  if (systemCode === 'EACCES' || systemCode === 'EPERM' || systemCode === 'ENOTDIR') {
    return 'cannot_open'
  }
  return 'io'
}

/** A StorageError naming the policy file (its `path`) and the system error code. */
function policyError(action: string, path: string, error: unknown): StorageError {
  const code = errorCode(error)
  const detail = error instanceof Error ? error.message : String(error)
  return new StorageError(codeFor(code), `Cannot ${action} policy file ${path} (${detail})`, {
    path,
    cause: error,
  })
}

/** Cleanup after a failure: the failure is what gets reported, not the cleanup's own. */
function quietly(cleanup: () => void): void {
  try {
    cleanup()
  } catch {
    // Already gone, or the folder itself is failing (the original error says so).
  }
}

function checkId(id: string): void {
  if (typeof id !== 'string' || !POLICY_ID_PATTERN.test(id)) {
    throw new InvalidValueError(
      'policy_id',
      id,
      'a file name of letters, digits, ".", "_" and "-" that starts with a letter or digit',
    )
  }
}

/**
 * The policy folder: one `<id>.yaml` per policy. Writes are atomic — the text goes to a hidden
 * temporary file in the same folder, is flushed to disk, then renamed over `<id>.yaml` — so a
 * reader (or a crash) never leaves half a policy under its name. Temporary files a crash left
 * behind are ignored by `list` and removed by a later write once they are an hour old. The
 * folder is created (mode 0700) on the first write. File-system failures are StorageErrors
 * whose `path` is the file.
 */
export function createPolicyFileStore(
  folder: string,
  options: PolicyFileStoreOptions = {},
): PolicyFileStore {
  const fs = options.fs ?? nodeFs
  const absolute = nodePath.resolve(folder)
  const report =
    options.onUnreadableFile ??
    ((file: UnreadablePolicyFile) => process.emitWarning(file.message, 'UnreadablePolicyFile'))
  const fileOf = (id: string) => nodePath.join(absolute, `${id}.yaml`)

  /** The file and its mtime from one open file, so both belong to the same version. */
  function readFile(id: string): PolicyFile | null {
    const path = fileOf(id)
    let fd: number
    try {
      fd = fs.openSync(path, 'r')
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null
      throw policyError('read', path, error)
    }
    try {
      const modified = fs.fstatSync(fd).mtime
      const text = fs.readFileSync(fd, 'utf8')
      return { id, path, text, modified_at: modified.toISOString() }
    } catch (error) {
      throw policyError('read', path, error)
    } finally {
      fs.closeSync(fd)
    }
  }

  function fileNames(): string[] {
    try {
      return fs.readdirSync(absolute).sort()
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return []
      throw policyError('list', absolute, error)
    }
  }

  /** Best effort: a cleanup that fails must not fail the write that triggered it. */
  function removeStaleTemporaryFiles(): void {
    const cutoff = Date.now() - STALE_TEMP_MS
    for (const name of fileNames()) {
      if (!TEMP_FILE_PATTERN.test(name)) continue
      const path = nodePath.join(absolute, name)
      // Another writer may remove or rename it meanwhile.
      quietly(() => {
        if (fs.statSync(path).mtimeMs < cutoff) fs.unlinkSync(path)
      })
    }
  }

  return {
    folder: absolute,

    list() {
      const files: PolicyFile[] = []
      for (const name of fileNames()) {
        if (!name.endsWith('.yaml') || name.startsWith('.')) continue
        const id = name.slice(0, -'.yaml'.length)
        const path = nodePath.join(absolute, name)
        if (!POLICY_ID_PATTERN.test(id)) {
          report({ id, path, message: `Policy file ${path} skipped: its name is not a policy id` })
          continue
        }
        try {
          const file = readFile(id)
          if (file !== null) files.push(file)
        } catch (error) {
          report({ id, path, message: (error as Error).message })
        }
      }
      return files
    },

    read(id) {
      checkId(id)
      return readFile(id)
    },

    write(id, text) {
      checkId(id)
      const path = fileOf(id)
      try {
        fs.mkdirSync(absolute, { recursive: true, mode: FOLDER_MODE })
      } catch (error) {
        throw policyError('write', path, error)
      }
      removeStaleTemporaryFiles()
      const temporary = nodePath.join(absolute, `.${id}.yaml.${randomBytes(6).toString('hex')}.tmp`)
      let fd: number | null = null
      let created = false
      try {
        fd = fs.openSync(temporary, 'wx')
        created = true
        fs.writeFileSync(fd, text, 'utf8')
        fs.fsyncSync(fd)
        const modified = fs.fstatSync(fd).mtime
        fs.closeSync(fd)
        fd = null
        fs.renameSync(temporary, path)
        return { id, path, text, modified_at: modified.toISOString() }
      } catch (error) {
        // The previous version stays in place; the temporary file goes.
        const openFd = fd
        if (openFd !== null) quietly(() => fs.closeSync(openFd))
        if (created) quietly(() => fs.unlinkSync(temporary))
        throw policyError('write', path, error)
      }
    },

    remove(id) {
      checkId(id)
      const path = fileOf(id)
      try {
        fs.unlinkSync(path)
        return true
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return false
        throw policyError('remove', path, error)
      }
    },
  }
}
