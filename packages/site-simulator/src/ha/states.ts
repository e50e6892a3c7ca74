import { seededRandom } from '../model/random.ts'

/** A state object exactly as HA's `State.as_dict` serialises it (control-apis.md §1.1). */
export interface HaState {
  entity_id: string
  /** Always a string: `"-1834.2"`, `"on"`, `"unavailable"`, `"unknown"`. */
  state: string
  attributes: Record<string, unknown>
  last_changed: string
  last_reported: string
  last_updated: string
  context: HaContext
}

export interface HaContext {
  id: string
  parent_id: string | null
  user_id: string | null
}

/** HA's timestamps: `2026-09-20T10:15:03.120000+00:00` (Python isoformat, microseconds). */
export function haTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00')
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** ULIDs as HA's context ids: 48 bits of ms time, then 80 seeded random bits. */
export function createUlids(seed: number): (at: number) => string {
  const random = seededRandom(seed)
  return (at) => {
    let time = ''
    let value = Math.max(0, Math.floor(at))
    for (let index = 0; index < 10; index += 1) {
      time = CROCKFORD[value % 32] + time
      value = Math.floor(value / 32)
    }
    let tail = ''
    for (let index = 0; index < 16; index += 1) tail += CROCKFORD[Math.floor(random() * 32)]
    return time + tail
  }
}

interface Stored {
  entity_id: string
  state: string
  attributes: Record<string, unknown>
  lastChanged: number
  lastUpdated: number
  lastReported: number
  context: HaContext
}

/** What a write did, in HA's terms. */
export interface WriteResult {
  /** A `state_changed` event fired (state or attributes differ). */
  changed: boolean
  /** The state string itself changed (`last_changed` moved). */
  stateChanged: boolean
}

function sameAttributes(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]))
}

/**
 * HA's state machine for the fake: `write` follows `StateMachine.async_set` — the same state and
 * attributes only move `last_reported`; a new state moves `last_changed` and `last_updated`; new
 * attributes alone move `last_updated`. Each real change gets a context (the caller's, or new).
 */
export function createStateStore(ulid: (at: number) => string) {
  const states = new Map<string, Stored>()

  function format(stored: Stored): HaState {
    return {
      entity_id: stored.entity_id,
      state: stored.state,
      attributes: structuredClone(stored.attributes),
      last_changed: haTimestamp(stored.lastChanged),
      last_reported: haTimestamp(stored.lastReported),
      last_updated: haTimestamp(stored.lastUpdated),
      context: { ...stored.context },
    }
  }

  return {
    write(
      entityId: string,
      state: string,
      attributes: Record<string, unknown>,
      at: number,
      context?: HaContext,
    ): WriteResult {
      const old = states.get(entityId)
      if (old && old.state === state && sameAttributes(old.attributes, attributes)) {
        old.lastReported = at
        return { changed: false, stateChanged: false }
      }
      const stateChanged = !old || old.state !== state
      states.set(entityId, {
        entity_id: entityId,
        state,
        attributes: structuredClone(attributes),
        lastChanged: stateChanged ? at : (old?.lastChanged ?? at),
        lastUpdated: at,
        lastReported: at,
        context: context ?? { id: ulid(at), parent_id: null, user_id: null },
      })
      return { changed: true, stateChanged }
    },
    get(entityId: string): HaState | null {
      const stored = states.get(entityId)
      return stored ? format(stored) : null
    },
    /** The stored object's context (to tell which states a service call changed). */
    contextOf(entityId: string): HaContext | null {
      return states.get(entityId)?.context ?? null
    },
    has: (entityId: string) => states.has(entityId),
    all: (): HaState[] => [...states.values()].map(format),
    ids: (): string[] => [...states.keys()],
  }
}

export type StateStore = ReturnType<typeof createStateStore>
