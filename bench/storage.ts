// Tracker repository throughput on a real WAL file, and a second connection (the CLI) writing
// while the first (the API server) reads. Prints figures; asserts nothing.
import fs from 'node:fs'
import os from 'node:os'
import nodePath from 'node:path'
import { performance } from 'node:perf_hooks'
import { createTrackerRepository, openDatabase } from '@edge-mining/storage'

const TRACKERS = 200
const READS = 5000

function rate(label: string, count: number, run: () => void): void {
  const started = performance.now()
  run()
  const ms = performance.now() - started
  console.log(
    `${label.padEnd(50)} ${String(count).padStart(6)} ops  ${(ms / count).toFixed(4)} ms/op  ${Math.round((count / ms) * 1000)} ops/s`,
  )
}

const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'edge-mining-bench-storage-'))
try {
  const path = nodePath.join(dir, 'db', 'edgemining.db')
  const openStarted = performance.now()
  const server = openDatabase({ path })
  const opened = performance.now() - openStarted
  console.log(
    `${'openDatabase (fresh file, migrations applied)'.padEnd(50)} ${opened.toFixed(1)} ms`,
  )

  const reopenStarted = performance.now()
  const cli = openDatabase({ path })
  const reopened = performance.now() - reopenStarted
  console.log(
    `${'openDatabase (second connection, nothing to do)'.padEnd(50)} ${reopened.toFixed(1)} ms`,
  )

  const serverTrackers = createTrackerRepository(server)
  const cliTrackers = createTrackerRepository(cli)
  const ids = Array.from({ length: TRACKERS }, () => crypto.randomUUID())
  // The services stamp entities from the platform clock; the repository stores them as given.
  const stamp = new Date().toISOString()
  const config = {
    api_token: 'bench-token',
    api_base_url: 'http://127.0.0.1:1',
    request_timeout_seconds: 10,
  }

  rate('add (one transaction each)', TRACKERS, () => {
    for (const [index, id] of ids.entries()) {
      serverTrackers.add({
        id,
        name: `tracker ${index}`,
        adapter_type: 'braiins_pool',
        config,
        external_service_id: null,
        created_at: stamp,
        updated_at: stamp,
      })
    }
  })
  rate('get by id', READS, () => {
    for (let index = 0; index < READS; index += 1) serverTrackers.get(ids[index % TRACKERS] ?? '')
  })
  rate(`list (${TRACKERS} rows)`, 200, () => {
    for (let index = 0; index < 200; index += 1) serverTrackers.list()
  })
  rate('update from the second connection', TRACKERS, () => {
    for (const [index, id] of ids.entries()) {
      cliTrackers.update({
        id,
        name: `renamed ${index}`,
        adapter_type: 'braiins_pool',
        config,
        external_service_id: null,
        created_at: stamp,
        updated_at: new Date().toISOString(),
      })
    }
  })
  rate('get on the first connection after those updates', READS, () => {
    for (let index = 0; index < READS; index += 1) serverTrackers.get(ids[index % TRACKERS] ?? '')
  })
  rate('remove', TRACKERS, () => {
    for (const id of ids) cliTrackers.remove(id)
  })
  console.log(`file size after the run: ${fs.statSync(path).size} bytes`)
  server.close()
  cli.close()
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
