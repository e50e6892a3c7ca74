/**
 * http-cache benchmark: the cost of a fresh hit, and how many fetcher calls N concurrent
 * callers of one cold key cause (single-flight: must be 1 for every N). Prints, asserts nothing.
 */
import { type CacheStore, createCache, createMemoryStore } from '@edge-mining/http-cache'

const KEY = 'https://pool.example/accounts/profile/json/btc'
const TTL_MS = 60_000
const ITERATIONS = 2_000_000

const fetchProfile = async () => ({ hash_rate_5m: 150_000, hash_rate_unit: 'Gh/s' })

function nsPerOp(start: bigint, iterations: number): string {
  return (Number(process.hrtime.bigint() - start) / iterations).toFixed(1)
}

async function freshHit(label: string, store: CacheStore, measureCallOnly: boolean): Promise<void> {
  const cache = createCache({ store })
  await cache.get(KEY, TTL_MS, fetchProfile)
  // Warm-up so the JIT has settled before measuring.
  for (let i = 0; i < 200_000; i++) await cache.get(KEY, TTL_MS, fetchProfile)

  let start = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++) await cache.get(KEY, TTL_MS, fetchProfile)
  const awaited = nsPerOp(start, ITERATIONS)

  // With a synchronous store a fresh hit settles at once; an async store would pile up
  // millions of pending lookups here, so that figure would measure the garbage collector.
  let callOnly = ''
  if (measureCallOnly) {
    let pending: Promise<unknown> = Promise.resolve()
    start = process.hrtime.bigint()
    for (let i = 0; i < ITERATIONS; i++) pending = cache.get(KEY, TTL_MS, fetchProfile)
    callOnly = nsPerOp(start, ITERATIONS)
    await pending
  }

  start = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++) await cache.getWithMeta(KEY, TTL_MS, fetchProfile)
  const withMeta = nsPerOp(start, ITERATIONS)

  const { networkCalls } = cache.stats()
  console.log(`${label} (network calls during the run: ${networkCalls})`)
  console.log(`  get, awaited          ${awaited.padStart(8)} ns/op`)
  if (measureCallOnly) {
    console.log(`  get, call only        ${callOnly.padStart(8)} ns/op   (promise not awaited)`)
  }
  console.log(`  getWithMeta, awaited  ${withMeta.padStart(8)} ns/op`)
}

/** The floor any promise-returning cache pays: a Map lookup, a clock read and an await. */
async function baseline(): Promise<void> {
  const map = new Map([[KEY, { value: await fetchProfile(), storedAt: Date.now() }]])
  const lookup = (key: string) => {
    const entry = map.get(key)
    return entry !== undefined && Date.now() - entry.storedAt < TTL_MS
      ? Promise.resolve(entry.value)
      : Promise.reject(new Error('miss'))
  }
  for (let i = 0; i < 200_000; i++) await lookup(KEY)
  const start = process.hrtime.bigint()
  for (let i = 0; i < ITERATIONS; i++) await lookup(KEY)
  console.log(
    `baseline: Map.get + Date.now + await  ${nsPerOp(start, ITERATIONS).padStart(8)} ns/op`,
  )
}

/** The memory store answering through promises, as a SQLite or Redis store would. */
function asyncStore(): CacheStore {
  const inner = createMemoryStore()
  return {
    get: async (key) => inner.get(key),
    set: async (key, entry) => inner.set(key, entry),
    delete: async (prefix) => inner.delete(prefix),
    getCooldown: async (scope) => inner.getCooldown(scope),
    setCooldown: async (scope, cooldown) => inner.setCooldown(scope, cooldown),
  }
}

async function coldKey(concurrency: number, store: CacheStore): Promise<string> {
  const cache = createCache({ store })
  let calls = 0
  const slowFetch = async () => {
    calls++
    await new Promise((resolve) => setTimeout(resolve, 20))
    return { n: concurrency }
  }
  const results = await Promise.all(
    Array.from({ length: concurrency }, () => cache.get(KEY, TTL_MS, slowFetch)),
  )
  const shared = results.every((result) => result === results[0])
  const { coalesced } = cache.stats()
  return `N = ${String(concurrency).padStart(4)}: network calls = ${calls}, coalesced = ${coalesced}, all callers got the same value: ${shared}`
}

console.log(`node ${process.version}, ${ITERATIONS.toLocaleString('en')} iterations per figure\n`)
console.log('Fresh hit (value already cached):')
await baseline()
await freshHit('memory store (sync)', createMemoryStore(), true)
await freshHit('async store (promises)', asyncStore(), false)

console.log('\nConcurrent callers on a cold key (fetch takes 20 ms):')
for (const concurrency of [1, 10, 100, 1000]) {
  console.log(`memory store  ${await coldKey(concurrency, createMemoryStore())}`)
}
for (const concurrency of [1, 10, 100, 1000]) {
  console.log(`async store   ${await coldKey(concurrency, asyncStore())}`)
}
