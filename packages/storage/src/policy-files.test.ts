import fs from 'node:fs'
import nodePath from 'node:path'
import { InvalidValueError } from '@edge-mining/domain'
import { describe, expect, test } from 'vitest'
import {
  createPolicyFileStore,
  type PolicyFileSystem,
  StorageError,
  type UnreadablePolicyFile,
} from './index'
import { errorOf, useTempFolder } from './test-helpers'

const ID = '0f0e0d0c-0b0a-4909-8807-060504030201'
const OTHER = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
const V1 = 'id: 0f0e0d0c-0b0a-4909-8807-060504030201\nname: Solar surplus\nstart_rules: []\n'
const V2 = `${V1}description: edited\n`

const temp = useTempFolder('policies')
const folderOf = () => nodePath.join(temp.dir, 'data', 'policies')

/** node:fs with some calls replaced, recording the name of every call made. */
function spyFs(overrides: Partial<PolicyFileSystem> = {}) {
  const calls: { name: string; args: unknown[] }[] = []
  const spied = {} as Record<string, unknown>
  for (const name of [
    'closeSync',
    'fstatSync',
    'fsyncSync',
    'mkdirSync',
    'openSync',
    'readdirSync',
    'readFileSync',
    'renameSync',
    'statSync',
    'unlinkSync',
    'writeFileSync',
  ] as const) {
    const real = (overrides[name] ?? fs[name]) as (...args: unknown[]) => unknown
    spied[name] = (...args: unknown[]) => {
      calls.push({ name, args })
      return real(...args)
    }
  }
  return { fs: spied as unknown as PolicyFileSystem, calls }
}

function failing(code: string): () => never {
  return () => {
    throw Object.assign(new Error(`${code}: simulated failure`), { code })
  }
}

describe('policy file store: round trips', () => {
  test('list and read do not create the folder; write creates it 0700', () => {
    const store = createPolicyFileStore(folderOf())
    expect(store.folder).toBe(folderOf())
    expect(store.list()).toEqual([])
    expect(store.read(ID)).toBeNull()
    expect(fs.existsSync(folderOf())).toBe(false)

    const written = store.write(ID, V1)
    const path = nodePath.join(folderOf(), `${ID}.yaml`)
    expect(written).toEqual({
      id: ID,
      path,
      text: V1,
      modified_at: fs.statSync(path).mtime.toISOString(),
    })
    expect(fs.statSync(folderOf()).mode & 0o777).toBe(0o700)
    expect(fs.readFileSync(path, 'utf8')).toBe(V1)
    expect(store.read(ID)).toEqual(written)
  })

  test('write replaces; remove answers whether there was a file', () => {
    const store = createPolicyFileStore(folderOf())
    store.write(ID, V1)
    store.write(ID, V2)
    expect(store.read(ID)?.text).toBe(V2)
    expect(store.remove(ID)).toBe(true)
    expect(store.remove(ID)).toBe(false)
    expect(store.read(ID)).toBeNull()
    expect(fs.readdirSync(folderOf())).toEqual([])
  })

  test('modified_at is the file’s mtime in ISO UTC, so hand edits are seen', () => {
    const store = createPolicyFileStore(folderOf())
    const { path } = store.write(ID, V1)
    fs.writeFileSync(path, V2)
    fs.utimesSync(path, new Date('2026-09-01T08:00:00Z'), new Date('2026-09-01T08:00:00.250Z'))
    expect(store.read(ID)).toMatchObject({ text: V2, modified_at: '2026-09-01T08:00:00.250Z' })
  })

  test('list: every *.yaml file by name, no recursion, other files ignored', () => {
    const store = createPolicyFileStore(folderOf())
    store.write(OTHER, 'name: b\n')
    store.write(ID, 'name: a\n')
    store.write('zz-hand-made', 'name: z\n')
    const folder = folderOf()
    fs.writeFileSync(nodePath.join(folder, 'notes.txt'), 'not a policy')
    fs.writeFileSync(nodePath.join(folder, '.hidden.yaml'), 'name: hidden\n')
    fs.mkdirSync(nodePath.join(folder, 'archive'))
    fs.writeFileSync(nodePath.join(folder, 'archive', 'old.yaml'), 'name: old\n')
    fs.mkdirSync(nodePath.join(folder, 'folder.yaml'))
    const reported: UnreadablePolicyFile[] = []
    const listed = createPolicyFileStore(folder, {
      onUnreadableFile: (file) => reported.push(file),
    }).list()
    expect(listed.map((file) => [file.id, file.text])).toEqual([
      [ID, 'name: a\n'],
      [OTHER, 'name: b\n'],
      ['zz-hand-made', 'name: z\n'],
    ])
    expect(reported.map((file) => file.id)).toEqual(['folder'])
  })
})

describe('policy file store: bad ids and unreadable files', () => {
  test.each(['../escape', 'a/b', '..', '.hidden', '', 'with space', 'back\\slash'])(
    '%j is refused with InvalidValueError(policy_id) by every method',
    (id) => {
      const store = createPolicyFileStore(folderOf())
      for (const action of [
        () => store.read(id),
        () => store.write(id, V1),
        () => store.remove(id),
      ]) {
        const error = errorOf(action)
        expect(error).toBeInstanceOf(InvalidValueError)
        expect(error).toMatchObject({ code: 'invalid_value', field: 'policy_id' })
      }
      expect(fs.existsSync(folderOf())).toBe(false)
      expect(fs.readdirSync(temp.dir)).toEqual([])
    },
  )

  test('a file that cannot be read is skipped by list() and reported, never listed empty', () => {
    createPolicyFileStore(folderOf()).write(ID, V1)
    createPolicyFileStore(folderOf()).write(OTHER, V2)
    const blocked = nodePath.join(folderOf(), `${OTHER}.yaml`)
    const { fs: injected } = spyFs({
      openSync: ((path: fs.PathLike, flags: fs.OpenMode) =>
        path === blocked ? failing('EACCES')() : fs.openSync(path, flags)) as typeof fs.openSync,
    })
    const reported: UnreadablePolicyFile[] = []
    const store = createPolicyFileStore(folderOf(), {
      fs: injected,
      onUnreadableFile: (file) => reported.push(file),
    })
    expect(store.list().map((file) => file.id)).toEqual([ID])
    expect(reported).toEqual([
      { id: OTHER, path: blocked, message: expect.stringContaining(blocked) },
    ])

    const error = errorOf(() => store.read(OTHER))
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ code: 'cannot_open', path: blocked })
  })
})

describe('policy file store: atomic writes', () => {
  const TEMP_NAME = /^\.0f0e0d0c-0b0a-4909-8807-060504030201\.yaml\.[0-9a-f]{12}\.tmp$/

  test('protocol: temp file in the same folder, written and fsynced, then renamed over', () => {
    const spied = spyFs()
    const store = createPolicyFileStore(folderOf(), { fs: spied.fs })
    store.write(ID, V1)
    const writing = spied.calls
      .map((call) => call.name)
      .filter((name) => !['mkdirSync', 'readdirSync', 'statSync'].includes(name))
    expect(writing).toEqual([
      'openSync',
      'writeFileSync',
      'fsyncSync',
      'fstatSync',
      'closeSync',
      'renameSync',
    ])
    const [from, to] = spied.calls.find((call) => call.name === 'renameSync')?.args ?? []
    expect(nodePath.dirname(String(from))).toBe(folderOf())
    expect(nodePath.basename(String(from))).toMatch(TEMP_NAME)
    expect(to).toBe(nodePath.join(folderOf(), `${ID}.yaml`))
    const opened = spied.calls.find((call) => call.name === 'openSync')?.args
    expect(opened).toEqual([from, 'wx'])
  })

  test.each([
    ['the rename fails', { renameSync: failing('EXDEV') }],
    ['the disk fills while writing', { fsyncSync: failing('ENOSPC') }],
  ])('when %s the old file stays intact and no partial or temp file is left', (_, overrides) => {
    createPolicyFileStore(folderOf()).write(ID, V1)
    const store = createPolicyFileStore(folderOf(), { fs: spyFs(overrides).fs })
    const error = errorOf(() => store.write(ID, V2))
    expect(error).toBeInstanceOf(StorageError)
    expect(error.message).toContain(`${ID}.yaml`)
    expect(fs.readdirSync(folderOf())).toEqual([`${ID}.yaml`])
    expect(createPolicyFileStore(folderOf()).read(ID)?.text).toBe(V1)
  })

  test('a first write that never renames leaves no file named <id>.yaml', () => {
    const store = createPolicyFileStore(folderOf(), {
      fs: spyFs({ renameSync: failing('EIO') }).fs,
    })
    expect(() => store.write(ID, V1)).toThrow(StorageError)
    expect(fs.readdirSync(folderOf())).toEqual([])
    expect(store.read(ID)).toBeNull()
  })

  test('temp files left by a crash are ignored by list() and removed once an hour old', () => {
    const store = createPolicyFileStore(folderOf())
    store.write(ID, V1)
    const stale = nodePath.join(folderOf(), `.${ID}.yaml.0123456789ab.tmp`)
    const fresh = nodePath.join(folderOf(), `.${ID}.yaml.ba9876543210.tmp`)
    fs.writeFileSync(stale, 'half a pol')
    fs.writeFileSync(fresh, 'another writer, still going')
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    fs.utimesSync(stale, twoHoursAgo, twoHoursAgo)

    expect(store.list().map((file) => file.id)).toEqual([ID])
    store.write(OTHER, V2)
    expect(fs.existsSync(stale)).toBe(false)
    expect(fs.existsSync(fresh)).toBe(true)
    expect(store.list().map((file) => file.id)).toEqual([ID, OTHER].sort())
  })
})
