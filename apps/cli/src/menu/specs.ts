import {
  type AdapterEntity,
  type EnergySource,
  type EntityKind,
  entityLabel,
  type MinerEntity,
  type OptimizationUnit,
} from '@edge-mining/domain'
import type { PolicyView } from '@edge-mining/services'
import { adapterLabel } from '../actions/adapters'
import type { Action } from '../command-kit'
import { ENERGY_SOURCE_FIELDS, type FieldSpec, MINER_FIELDS, UNIT_FIELDS } from '../fields'
import { type Named, namer } from '../find'
import { renderAdapterEntityDetails } from '../format'
import { type AdapterGroup, entityArgName } from '../kinds'
import { changed } from '../output'
import {
  renderEnergySourceDetails,
  renderMinerDetails,
  renderPolicyDetails,
  renderUnitDetails,
} from '../views'
import { runConfigWizard } from '../wizard'
import { article, type EntityAction, type EntityMenuSpec, invoke } from './entity-menu'
import { askFields, attempt, confirm, pick, type Session } from './kit'

const adapters = () => import('../actions/adapter-extras')
const trackerViews = () => import('../actions/trackers')
const minerActions = () => import('../actions/miners')
const unitActions = () => import('../actions/units')
const loopActions = () => import('../actions/loop')
const policyActions = () => import('../actions/policies')

/**
 * Menu actions that run a command's own code on the chosen entity (human output, under a
 * heading): `load` imports the actions module, `argName` is the command's entity positional.
 */
function actionsOf<M, T extends Named>(session: Session, load: () => Promise<M>, argName: string) {
  return (label: string, pickAction: (module: M) => Action): EntityAction<T> => ({
    label,
    run: (item) =>
      attempt(session, '', async () => {
        session.prompter.say(session.data.terminal.paint.bold(`\n--- ${label}: ${item.name} ---`))
        await invoke(session, pickAction(await load()), { [argName]: item.id })
      }),
  })
}

/** The external service an adapter type may use, picked by number (asked only when it may). */
async function askExternalService(
  session: Session,
  group: AdapterGroup,
  type: string,
): Promise<string | null | undefined> {
  const service = session.services.adapters[group.kind]
  const allowed = service.externalServiceTypes(type)
  if (!allowed) return undefined
  const candidates = session.services.adapters.external_service
    .list()
    .filter((external) => allowed.includes(external.adapter_type))
  const chosen = await pick(session, candidates, {
    title: `External service (${allowed.join(' or ')})`,
    none: 'No external service of that type is configured.',
    prompt: 'Choose an External Service index',
    describe: (external) => `${external.name} (${external.adapter_type}, ${external.id})`,
  })
  return chosen ? chosen.id : null
}

async function chooseType(session: Session, group: AdapterGroup): Promise<string | undefined> {
  const { prompter, data } = session
  const registry = session.services.adapters[group.kind].registry
  const types = registry.types()
  if (types.length === 0) {
    prompter.say(`No ${group.label.toLowerCase()} types are registered.`)
    return undefined
  }
  // Numbered from 0, as upstream's adapter lists are.
  types.forEach((type, index) => {
    prompter.say(`${index}. ${type} — ${registry.get(type).label}`)
  })
  for (;;) {
    const answer = await prompter.ask(`Choose ${article(group.menuNoun)}`)
    const index = /^\d+$/.test(answer) ? Number(answer) : -1
    const type = types[index] ?? types.find((candidate) => candidate === answer.toLowerCase())
    if (type !== undefined) return type
    prompter.say(data.terminal.paint.red('Invalid index. Try again.'))
  }
}

async function addAdapter(session: Session, group: AdapterGroup): Promise<void> {
  const { prompter, data, services } = session
  const service = services.adapters[group.kind]
  const name = await prompter.ask(`Name of the ${group.menuNoun.toLowerCase()}`)
  const type = await chooseType(session, group)
  if (type === undefined) return
  const config = await runConfigWizard(prompter, service.registry, type, {
    paint: data.terminal.paint,
  })
  const externalService = await askExternalService(session, group, type)
  await attempt(session, `Error adding ${group.label.toLowerCase()}: `, () => {
    const created = service.create({
      name,
      adapter_type: type,
      config,
      external_service_id: externalService,
    })
    data.terminal.logger.success(changed(group.kind, created, 'added'))
  })
}

async function updateAdapter(session: Session, group: AdapterGroup, entity: AdapterEntity) {
  const { prompter, data, services } = session
  const service = services.adapters[group.kind]
  const name = await prompter.ask(`New name of the ${group.menuNoun.toLowerCase()}`, {
    default: entity.name,
  })
  const config = (await confirm(prompter, 'Change configuration', true))
    ? await runConfigWizard(prompter, service.registry, entity.adapter_type, {
        paint: data.terminal.paint,
        current: entity.config,
      })
    : undefined
  await attempt(session, `Error updating ${group.label.toLowerCase()}: `, () => {
    const updated = service.update(entity.id, { name, config })
    data.terminal.logger.success(changed(group.kind, updated, 'updated'))
  })
}

/** The actions only some adapter kinds have, each the command's own code. */
function adapterActions(session: Session, group: AdapterGroup): EntityAction<AdapterEntity>[] {
  const argName = entityArgName(group)
  const extra = actionsOf<Awaited<ReturnType<typeof adapters>>, AdapterEntity>(
    session,
    adapters,
    argName,
  )
  const pool = actionsOf<Awaited<ReturnType<typeof trackerViews>>, AdapterEntity>(
    session,
    trackerViews,
    argName,
  )
  const view = (label: string, name: string) =>
    pool(label, (m) => (invocation) => m.runDataCommand(name, invocation))
  switch (group.kind) {
    case 'mining_performance_tracker':
      return [
        view('Test Tracker', 'test'),
        view('Pool statistics', 'stats'),
        view('Workers', 'workers'),
        view('Recent rewards', 'rewards'),
        view('Payout schedule', 'payout'),
        view('Full snapshot', 'snapshot'),
      ]
    case 'miner_controller':
      return [
        extra('Test connection', (m) => m.testController),
        extra('Supported features', (m) => m.controllerFeatures),
      ]
    case 'notifier':
      return [extra('Send a test notification', (m) => m.testNotifier)]
    case 'external_service':
      return [
        extra('Connection status', (m) => m.externalServiceStatus),
        extra('Linked entities', (m) => m.linkedEntities),
      ]
    default:
      return []
  }
}

export function adapterSpec(session: Session, group: AdapterGroup): EntityMenuSpec<AdapterEntity> {
  const service = session.services.adapters[group.kind]
  return {
    kind: group.kind,
    title: group.menuTitle,
    titlePlural: `${group.label.replace(/\b[a-z]/g, (c) => c.toUpperCase())}s`,
    noun: group.menuNoun,
    list: () => service.list(),
    get: (id) => service.get(id),
    summary: (entity) => `Type: ${entity.adapter_type}`,
    pickLine: (entity) => `${entity.name} (${entity.adapter_type}, ${entity.id})`,
    details: (entity) =>
      renderAdapterEntityDetails(
        service.toPublic(entity),
        adapterLabel(service, entity.adapter_type),
      ),
    add: () => addAdapter(session, group),
    update: (entity) => updateAdapter(session, group, entity),
    remove: (entity, force) => service.remove(entity.id, { force }),
    actions: () => adapterActions(session, group),
  }
}

/** Add and update of an entity with fixed fields, asked from its field specs. */
function fieldEditing<T extends { id: string; name: string }>(
  session: Session,
  kind: EntityKind,
  fields: readonly FieldSpec[],
  service: { create(input: unknown): T; update(id: string, input: unknown): T },
) {
  const label = entityLabel(kind).toLowerCase()
  return {
    add: async () => {
      const input = await askFields(session, fields)
      await attempt(session, `Error adding ${label}: `, () => {
        session.data.terminal.logger.success(changed(kind, service.create(input), 'added'))
      })
    },
    update: async (item: T) => {
      const input = await askFields(session, fields, item)
      await attempt(session, `Error updating ${label}: `, () => {
        session.data.terminal.logger.success(
          changed(kind, service.update(item.id, input), 'updated'),
        )
      })
    },
  }
}

export function minerSpec(session: Session): EntityMenuSpec<MinerEntity> {
  const { miners } = session.services
  const act = actionsOf<Awaited<ReturnType<typeof minerActions>>, MinerEntity>(
    session,
    minerActions,
    'miner',
  )
  const controllers = session.services.adapters.miner_controller
  const link = (label: string, attached: boolean): EntityAction<MinerEntity> => ({
    label,
    run: async (miner) => {
      const controller = await pick(
        session,
        controllers.list().filter((c) => miner.controller_ids.includes(c.id) === attached),
        {
          title: 'Select Miner Controller',
          none: attached
            ? 'No controller is attached.'
            : 'No other miner controller is configured.',
          prompt: 'Choose a Miner Controller index',
          describe: (c) => `${c.name} (${c.adapter_type}, ${c.id})`,
        },
      )
      if (!controller) return
      const module = await minerActions()
      await attempt(session, '', () =>
        invoke(session, attached ? module.unlinkController : module.setController, {
          miner: miner.id,
          controller: controller.id,
        }),
      )
    },
  })
  return {
    kind: 'miner',
    title: 'MINER',
    titlePlural: 'Miners',
    noun: 'Miner',
    list: () => miners.list(),
    get: (id) => miners.get(id),
    summary: (miner) => `Model: ${miner.model ?? '—'}, Active: ${miner.active ? 'yes' : 'no'}`,
    pickLine: (miner) => `${miner.name} (${miner.model ?? 'no model'}, ${miner.id})`,
    details: (miner) => renderMinerDetails(miner, namer(session.services)),
    ...fieldEditing(session, 'miner', MINER_FIELDS, miners),
    remove: (miner, force) => miners.remove(miner.id, { force }),
    actions: (miner) => [
      miner.active
        ? act('Deactivate', (m) => (i) => m.setActive(false, i))
        : act('Activate', (m) => (i) => m.setActive(true, i)),
      act('Status', (m) => m.status),
      act('Start mining', (m) => (i) => m.act('start', i)),
      act('Stop mining', (m) => (i) => m.act('stop', i)),
      link('Set controller', false),
      link('Unlink controller', true),
      act('Features', (m) => m.features),
      act('Release (end the manual hold of a start or stop)', (m) => m.release),
    ],
  }
}

export function energySourceSpec(session: Session): EntityMenuSpec<EnergySource> {
  const { energySources } = session.services
  return {
    kind: 'energy_source',
    title: 'ENERGY SOURCE',
    titlePlural: 'Energy Sources',
    noun: 'Energy Source',
    list: () => energySources.list(),
    get: (id) => energySources.get(id),
    summary: (source) => `Type: ${source.type}`,
    pickLine: (source) => `${source.name} (${source.type}, ${source.id})`,
    details: (source) => renderEnergySourceDetails(source, namer(session.services)),
    ...fieldEditing(session, 'energy_source', ENERGY_SOURCE_FIELDS, energySources),
    remove: (source, force) => energySources.remove(source.id, { force }),
  }
}

export function unitSpec(session: Session): EntityMenuSpec<OptimizationUnit> {
  const { units, miners, adapters: services } = session.services
  const act = actionsOf<Awaited<ReturnType<typeof unitActions>>, OptimizationUnit>(
    session,
    unitActions,
    'unit',
  )
  const loop = actionsOf<Awaited<ReturnType<typeof loopActions>>, OptimizationUnit>(
    session,
    loopActions,
    'unit',
  )
  const cycle = (label: string, dryRun: boolean): EntityAction<OptimizationUnit> => ({
    label,
    run: (unit) =>
      attempt(session, '', async () => {
        session.prompter.say(session.data.terminal.paint.bold(`\n--- ${label}: ${unit.name} ---`))
        const module = await loopActions()
        // `--unit`, as the command takes it.
        await invoke(session, module.runCycle, { unit: unit.id, 'dry-run': dryRun })
      }),
  })
  const member = (kind: 'miner' | 'notifier', adding: boolean): EntityAction<OptimizationUnit> => {
    const noun = kind === 'miner' ? 'Miner' : 'Notifier'
    return {
      label: `${adding ? 'Add' : 'Remove'} ${kind}`,
      run: async (unit) => {
        const listed = kind === 'miner' ? unit.target_miner_ids : unit.notifier_ids
        const all: Named[] = kind === 'miner' ? miners.list() : services.notifier.list()
        const chosen = await pick(
          session,
          all.filter((entity) => listed.includes(entity.id) !== adding),
          {
            title: `Select ${noun}`,
            none: adding ? `No other ${kind} is configured.` : `The unit has no ${kind}.`,
            prompt: `Choose a ${noun} index`,
            describe: (entity) => `${entity.name} (${entity.id})`,
          },
        )
        if (!chosen) return
        const module = await unitActions()
        await attempt(session, '', () =>
          invoke(session, (i) => module.membership(kind, adding, i), {
            unit: unit.id,
            member: chosen.id,
          }),
        )
      },
    }
  }
  return {
    kind: 'optimization_unit',
    title: 'OPTIMIZATION UNIT',
    titlePlural: 'Optimization Units',
    noun: 'Unit',
    list: () => units.list(),
    get: (id) => units.get(id),
    summary: (unit) => `Enabled: ${unit.is_enabled ? 'yes' : 'no'}`,
    pickLine: (unit) => `${unit.name} (${unit.is_enabled ? 'enabled' : 'disabled'}, ${unit.id})`,
    details: (unit) => renderUnitDetails(unit, namer(session.services)),
    ...fieldEditing(session, 'optimization_unit', UNIT_FIELDS, units),
    remove: (unit) => units.remove(unit.id),
    actions: (unit) => [
      unit.is_enabled
        ? act('Disable', (m) => (i) => m.setEnabled(false, i))
        : act('Enable', (m) => (i) => m.setEnabled(true, i)),
      act('Decisional context', (m) => m.context),
      cycle('Run a cycle now (dry run)', true),
      cycle('Run a cycle now', false),
      loop('Status', (m) => m.unitsStatus),
      member('miner', true),
      member('miner', false),
      member('notifier', true),
      member('notifier', false),
    ],
  }
}

export function policySpec(session: Session): EntityMenuSpec<PolicyView> {
  const { policies } = session.services
  const { prompter, data } = session
  const act = actionsOf<Awaited<ReturnType<typeof policyActions>>, PolicyView>(
    session,
    policyActions,
    'policy',
  )
  return {
    kind: 'policy',
    title: 'POLICY',
    titlePlural: 'Policies',
    noun: 'Policy',
    nounPlural: 'Policies',
    list: () => policies.list(),
    get: (id) => policies.get(id),
    summary: (policy) =>
      `Rules: ${policy.start_rules.length} start, ${policy.stop_rules.length} stop${policy.valid ? '' : ' (has errors)'}`,
    pickLine: (policy) => `${policy.name} (${policy.id})`,
    details: renderPolicyDetails,
    add: async () => {
      const file = await prompter.ask('Policy file to import (Enter: create an empty policy)')
      if (file !== '') {
        const module = await policyActions()
        await attempt(session, 'Error importing policy: ', () =>
          invoke(session, module.importFile, { file }),
        )
        return
      }
      const name = await prompter.ask('Name of the policy')
      const description = await prompter.ask('Description')
      await attempt(session, 'Error adding policy: ', () => {
        const created = policies.create({ name, ...(description ? { description } : {}) })
        data.terminal.logger.success(changed('policy', created, 'created'))
      })
    },
    update: async (policy) => {
      const name = await prompter.ask('New name of the policy', { default: policy.name })
      const description = await prompter.ask('Description', { default: policy.description ?? '' })
      await attempt(session, 'Error updating policy: ', () => {
        const updated = policies.update(policy.id, { name, description: description || null })
        data.terminal.logger.success(changed('policy', updated, 'updated'))
      })
    },
    remove: (policy, force) => policies.remove(policy.id, { force }),
    actions: () => [act('Check', (m) => m.check), act('Export', (m) => m.exportFile)],
  }
}
