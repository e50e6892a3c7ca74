import { activeFeature, type MinerEntity } from '@edge-mining/domain'
import { DEFAULT_OVERRIDE_SECONDS, type Services } from '@edge-mining/services'
import type { Invocation } from '../command-kit'
import { parseHoldSeconds } from '../durations'
import { UsageError } from '../errors'
import { inputFromFlags, naming, parseFieldText } from '../field-input'
import { type FieldSpec, MINER_FIELDS } from '../fields'
import { findEntity, namer, resolveId } from '../find'
import { formatDuration } from '../format'
import { formatLocalTime } from '../loop-views'
import { announce, announceChange, confirmDeletion, emit, setup } from '../output'
import {
  renderFeatures,
  renderMinerDetails,
  renderMinerInfo,
  renderMinerLimits,
  renderMinerState,
  renderMiners,
} from '../views'

const PRIORITY: FieldSpec = {
  key: 'priority',
  flag: 'priority',
  label: 'Priority',
  type: 'integer',
  expected: 'a priority from 1 to 100',
}

const minerOf = (services: Services, invocation: Invocation): MinerEntity =>
  findEntity(services.miners.list(), invocation.args.miner, 'miner')

/** The controller named by the second positional. */
const controllerIdOf = (services: Services, invocation: Invocation): string =>
  resolveId(services, 'miner_controller', invocation.args.controller)

export async function list(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const miners = services.miners.list()
  emit(data, json, miners, () => renderMiners(miners))
}

export async function show(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const miner = minerOf(services, invocation)
  emit(data, json, miner, () => renderMinerDetails(miner, namer(services)))
}

export async function add(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const input = inputFromFlags(services, MINER_FIELDS, invocation)
  if (invocation.args.inactive === true) input.active = false
  announceChange(
    context,
    'miner',
    naming(MINER_FIELDS, () => services.miners.create(input)),
    'added',
  )
}

export async function update(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const miner = minerOf(services, invocation)
  const input = inputFromFlags(services, MINER_FIELDS, invocation)
  if (Object.keys(input).length === 0) {
    throw new UsageError(
      `Nothing to update: give ${MINER_FIELDS.map((field) => `--${field.flag}`).join(', ')}`,
    )
  }
  announceChange(
    context,
    'miner',
    naming(MINER_FIELDS, () => services.miners.update(miner.id, input)),
    'updated',
  )
}

export async function remove(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const miner = minerOf(services, invocation)
  await confirmDeletion(invocation, 'miner', miner)
  const removed = services.miners.remove(miner.id, { force: invocation.args.force === true })
  announceChange(context, 'miner', removed, 'removed')
}

export async function setActive(active: boolean, invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const miner = services.miners.setActive(minerOf(services, invocation).id, active)
  announceChange(context, 'miner', miner, active ? 'activated' : 'deactivated')
}

export async function status(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const miner = minerOf(services, invocation)
  const state = await data.terminal.spin(`Reading ${miner.name}…`, () =>
    services.miners.status(miner.id),
  )
  emit(data, json, state, () => renderMinerState(state))
}

export async function info(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const miner = minerOf(services, invocation)
  const details = await data.terminal.spin(`Reading ${miner.name}…`, () =>
    services.miners.info(miner.id),
  )
  emit(data, json, details, () => renderMinerInfo(details))
}

export async function limits(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const miner = minerOf(services, invocation)
  const found = await data.terminal.spin(`Reading ${miner.name}…`, () =>
    services.miners.limits(miner.id),
  )
  emit(data, json, found, () => renderMinerLimits(found))
}

/**
 * `miners start|stop MINER [--for 30m|3600]`: acts now through the decision loop's override, so
 * the loop (this database's server included) leaves the miner so until then or `release`.
 */
export async function act(action: 'start' | 'stop', invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { data, services } = context
  const miner = minerOf(services, invocation)
  const seconds =
    invocation.args.for === undefined
      ? DEFAULT_OVERRIDE_SECONDS
      : parseHoldSeconds(invocation.args.for)
  const { loop } = await data.loop()
  const result = await data.terminal.spin(
    `${action === 'start' ? 'Starting' : 'Stopping'} ${miner.name}…`,
    () => loop.override(miner.id, action, seconds),
  )
  const timeZone = services.settings.get().timezone
  announce(
    context,
    result,
    [
      `${result.message} (${result.control}: ${result.status_before} → ${result.status_after})`,
      `Held ${action === 'start' ? 'on' : 'off'} until ${formatLocalTime(result.held_until, timeZone)} ${timeZone} (${formatDuration(seconds)}): the loop leaves it so until then or \`miners release\`.`,
    ].join('\n'),
  )
}

/** `miners release MINER`: ends its override (none is not an error: nothing held it). */
export async function release(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { data, services } = context
  const miner = minerOf(services, invocation)
  const { loop, repositories } = await data.loop()
  const stored = repositories.overrides.get(miner.id)
  const holding = stored !== null && Date.parse(stored.until) > data.now()
  const cleared = loop.clearOverride(miner.id)
  const who = `Miner '${miner.name}' (ID: ${miner.id})`
  announce(
    context,
    { miner_id: miner.id, cleared },
    holding
      ? `${who} released: the loop decides for it again from the next cycle.`
      : `${who} had no override holding it; nothing to release.`,
  )
}

export async function features(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const miner = minerOf(services, invocation)
  const serving = (feature: MinerEntity['features'][number]) =>
    activeFeature(miner.features, feature.feature_type) === feature
  emit(data, json, miner.features, () => renderFeatures(miner.features, serving, namer(services)))
}

export async function setController(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const miner = services.miners.setController(
    minerOf(services, invocation).id,
    controllerIdOf(services, invocation),
  )
  announceChange(context, 'miner', miner, 'updated')
}

export async function unlinkController(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const miner = services.miners.unlinkController(
    minerOf(services, invocation).id,
    controllerIdOf(services, invocation),
  )
  announceChange(context, 'miner', miner, 'updated')
}

/** `feature MINER CONTROLLER TYPE --enable|--disable [--priority N]`. */
export async function feature(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const { args } = invocation
  const minerId = minerOf(services, invocation).id
  const controllerId = controllerIdOf(services, invocation)
  const type = String(args.type)
  if (args.enable === true && args.disable === true) {
    throw new UsageError('Give --enable or --disable, not both')
  }
  const enabled = args.enable === true ? true : args.disable === true ? false : undefined
  const priority =
    typeof args.priority === 'string' ? parseFieldText(PRIORITY, args.priority) : undefined
  if (enabled === undefined && priority === undefined) {
    throw new UsageError('Give --enable, --disable and/or --priority N')
  }
  let miner = services.miners.get(minerId)
  if (enabled !== undefined) {
    miner = services.miners.setFeatureEnabled(minerId, controllerId, type, enabled)
  }
  if (priority !== undefined) {
    miner = naming([PRIORITY], () =>
      services.miners.setFeaturePriority(minerId, controllerId, type, priority),
    )
  }
  announceChange(context, 'miner', miner, 'updated')
}
