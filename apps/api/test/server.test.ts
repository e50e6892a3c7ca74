import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  EnvironmentError,
  isLoopback,
  openMemoryStore,
  parseEnv,
  runMain,
  startApi,
} from '../src/index'
import { captureLogs } from './support'

describe('parseEnv', () => {
  it('has the defaults of DESIGN.md', () => {
    expect(parseEnv({})).toEqual({
      host: '127.0.0.1',
      port: 8001,
      dbPath: 'data/db/edgemining.db',
      apiToken: undefined,
      logLevel: 'info',
    })
  })

  it('reads every variable; blank ones count as unset', () => {
    expect(
      parseEnv({
        API_HOST: '0.0.0.0',
        API_PORT: ' 9000 ',
        DB_PATH: '/tmp/x.db',
        API_TOKEN: ' s3cret ',
        LOG_LEVEL: 'DEBUG',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9000,
      dbPath: '/tmp/x.db',
      apiToken: 's3cret',
      logLevel: 'debug',
    })
    expect(parseEnv({ API_PORT: '', API_TOKEN: '   ' })).toMatchObject({
      port: 8001,
      apiToken: undefined,
    })
  })

  it.each(['abc', '70000', '-1', '80.5', '8001x'])('API_PORT=%s is a clear error', (port) => {
    expect(() => parseEnv({ API_PORT: port })).toThrow(EnvironmentError)
    expect(() => parseEnv({ API_PORT: port })).toThrow(
      `API_PORT: expected a whole number from 0 to 65535, got "${port}"`,
    )
  })

  it('a bad LOG_LEVEL names the choices', () => {
    expect(() => parseEnv({ LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL: expected one of silent, fatal/,
    )
  })
})

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
  ])('%s → %s', (host, expected) => expect(isLoopback(host)).toBe(expected))
})

describe('startApi', () => {
  const env = { API_PORT: '0', LOG_LEVEL: 'silent' }

  it('serves on a free loopback port and closes the store on close()', async () => {
    let closed = 0
    const logs = captureLogs()
    const api = await startApi({
      env,
      logger: logs.logger,
      openStore: () => ({
        ...openMemoryStore(),
        close: () => {
          closed += 1
        },
      }),
    })
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${api.url}/health`)
    expect(await res.json()).toEqual({ status: 'ok' })
    await api.close()
    await api.close()
    expect(closed).toBe(1)
    await expect(fetch(`${api.url}/health`)).rejects.toThrow()
    expect(logs.entries.filter((e) => e.type === 'warn')).toEqual([])
  })

  it('warns loudly when bound beyond loopback without a token, not with one', async () => {
    const logs = captureLogs()
    const open = await startApi({
      env: { ...env, API_HOST: '0.0.0.0' },
      logger: logs.logger,
      openStore: openMemoryStore,
    })
    await open.close()
    const warnings = logs.entries.filter((e) => e.type === 'warn').map((e) => String(e.args[0]))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('WITHOUT an API_TOKEN')
    const quiet = captureLogs()
    const guarded = await startApi({
      env: { ...env, API_HOST: '0.0.0.0', API_TOKEN: 'tok-abcdef' },
      logger: quiet.logger,
      openStore: openMemoryStore,
    })
    await guarded.close()
    expect(quiet.entries.filter((e) => e.type === 'warn')).toEqual([])
  })

  it('a port in use is an error and the store is closed', async () => {
    const first = await startApi({ env, logger: captureLogs().logger, openStore: openMemoryStore })
    let closed = false
    await expect(
      startApi({
        env: { ...env, API_PORT: String(first.port) },
        logger: captureLogs().logger,
        openStore: () => ({
          ...openMemoryStore(),
          close: () => {
            closed = true
          },
        }),
      }),
    ).rejects.toThrow(/EADDRINUSE/)
    expect(closed).toBe(true)
    await first.close()
  })
})

describe('startApi with the SQLite database', () => {
  it('creates DB_PATH (mode 0600) and keeps trackers across a restart', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'api-db-'))
    try {
      const env = { API_PORT: '0', DB_PATH: join(folder, 'nested', 'edge.db') }
      const first = await startApi({ env, logger: captureLogs().logger })
      const created = await fetch(`${first.url}/api/v1/mining-performance-trackers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Kept', config: { seed: 3 } }),
      })
      expect(created.status).toBe(201)
      const tracker = await created.json()
      await first.close()
      expect(statSync(env.DB_PATH).mode & 0o777).toBe(0o600)
      const second = await startApi({ env, logger: captureLogs().logger })
      const list = await (await fetch(`${second.url}/api/v1/mining-performance-trackers`)).json()
      expect(list).toEqual([tracker])
      await second.close()
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('an unopenable DB_PATH is an error naming the path', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'api-db-'))
    try {
      await expect(
        startApi({ env: { API_PORT: '0', DB_PATH: folder }, logger: captureLogs().logger }),
      ).rejects.toThrow(folder)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})

describe('runMain', () => {
  it('exits 1 with a clear message on a bad environment', async () => {
    const logs = captureLogs()
    const codes: number[] = []
    await runMain({
      env: { API_PORT: 'eighty' },
      logger: logs.logger,
      signals: new EventEmitter(),
      exit: (code) => codes.push(code),
    })
    expect(codes).toEqual([1])
    expect(String(logs.entries.at(-1)?.args[0])).toContain('API_PORT: expected a whole number')
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s closes the server and the database, then exits 0',
    async (signal) => {
      const signals = new EventEmitter()
      let closed = false
      const exited = new Promise<number>((resolve) => {
        void runMain({
          env: { API_PORT: '0' },
          logger: captureLogs().logger,
          openStore: () => ({
            ...openMemoryStore(),
            close: () => {
              closed = true
            },
          }),
          signals,
          exit: resolve,
        }).then(() => signals.emit(signal))
      })
      expect(await exited).toBe(0)
      expect(closed).toBe(true)
    },
  )
})
