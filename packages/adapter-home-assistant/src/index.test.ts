import { expect, it } from 'vitest'
import { allHomeAssistantDefinitions } from './index'

it('offers five adapters, each linking to the home_assistant_api service, the token its only secret', () => {
  expect(
    allHomeAssistantDefinitions.map((definition) => [definition.kind, definition.type]),
  ).toEqual([
    ['external_service', 'home_assistant_api'],
    ['energy_monitor', 'home_assistant_api'],
    ['forecast_provider', 'home_assistant_api'],
    ['miner_controller', 'generic_socket_home_assistant_api'],
    ['notifier', 'home_assistant_notify'],
  ])
  for (const definition of allHomeAssistantDefinitions.slice(1)) {
    expect(definition.externalServiceTypes).toEqual(['home_assistant_api'])
    expect(definition.requiresExternalService).toBe(true)
    expect(definition.secretFields).toEqual([])
  }
  expect(allHomeAssistantDefinitions[0]?.secretFields).toEqual(['token'])
})
