import { ADAPTER_KINDS } from '@edge-mining/domain'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { allDummyDefinitions } from './index'

describe('allDummyDefinitions', () => {
  it('holds the five dummy adapters, one per (kind, type)', () => {
    expect(allDummyDefinitions.map(({ kind, type }) => `${kind}/${type}`)).toEqual([
      'mining_performance_tracker/dummy',
      'miner_controller/dummy',
      'energy_monitor/dummy_solar',
      'forecast_provider/dummy_solar',
      'notifier/dummy',
    ])
    for (const definition of allDummyDefinitions) {
      expect(ADAPTER_KINDS).toContain(definition.kind)
      expect(definition.secretFields).toEqual([])
    }
  })

  it('accepts an empty config (defaults applied) and describes every field', () => {
    for (const definition of allDummyDefinitions) {
      expect(v.safeParse(definition.configSchema, {}).success, definition.type).toBe(true)
      const schema = definition.configSchema as v.StrictObjectSchema<
        v.ObjectEntries,
        v.ErrorMessage<v.StrictObjectIssue> | undefined
      >
      for (const [key, entry] of Object.entries(schema.entries)) {
        const inner = 'wrapped' in entry ? (entry.wrapped as v.GenericSchema) : entry
        expect(v.getDescription(inner), `${definition.type}.${key}`).toBeTruthy()
      }
    }
  })
})
