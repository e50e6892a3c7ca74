import { axeOsDefinition } from '@edge-mining/adapter-axeos'
import { braiinsTrackerDefinition } from '@edge-mining/adapter-braiins'
import { braiinsOsDefinition } from '@edge-mining/adapter-braiins-os'
import { allDummyDefinitions } from '@edge-mining/adapter-dummy'
import { allHomeAssistantDefinitions } from '@edge-mining/adapter-home-assistant'
import { ntfyNotifierDefinition } from '@edge-mining/adapter-ntfy'
import { oceanTrackerDefinition } from '@edge-mining/adapter-ocean'
import { shellyDefinition } from '@edge-mining/adapter-shelly'
import { tasmotaDefinition } from '@edge-mining/adapter-tasmota'
import { telegramNotifierDefinition } from '@edge-mining/adapter-telegram'
import { webhookNotifierDefinition } from '@edge-mining/adapter-webhook'
import type { AnyAdapterDefinition } from '@edge-mining/domain'
import type { Cache } from '@edge-mining/http-cache'

/**
 * Every concrete adapter Edge Mining ships — the one list in the code base. Adding a pool, a
 * miner firmware or a notifier is one adapter package plus one line here.
 */
export function shippedAdapterDefinitions(resources: { cache: Cache }): AnyAdapterDefinition[] {
  return [
    ...allDummyDefinitions,
    ...allHomeAssistantDefinitions,
    oceanTrackerDefinition(resources),
    braiinsTrackerDefinition(resources),
    telegramNotifierDefinition,
    ntfyNotifierDefinition,
    webhookNotifierDefinition,
    // Miners and plugs on the LAN (issue 14).
    braiinsOsDefinition,
    axeOsDefinition,
    shellyDefinition,
    tasmotaDefinition,
  ]
}
