import {
  EntityNotFoundError,
  type Platform,
  type PolicyFile,
  type PolicyFileStore,
  UuidSchema,
} from '@edge-mining/domain'
import {
  type CompiledPolicy,
  compilePolicy,
  type Policy,
  parsePolicy,
  type Rule,
  type RuleIssue,
  type RuleType,
  validateConditions,
} from '@edge-mining/rules'
import * as v from 'valibot'
import { Document, isMap, isSeq, parseDocument } from 'yaml'
import { isoAt, parseInput } from './common'
import { inUseError, type ReferenceIndex } from './references'
import { PolicyTextError } from './rule-book'

/** A rule as the API shows it (upstream's AutomationRule JSON plus `for_seconds`). */
export type RuleView = Pick<
  Rule,
  'id' | 'name' | 'description' | 'priority' | 'enabled' | 'for_seconds' | 'conditions'
>

/**
 * A policy as the API shows it (upstream's OptimizationPolicy JSON) plus what we add: whether the
 * file is usable, its issues with line/column, and when it was last modified. A broken file is
 * its own entry with `valid: false`; it never breaks the listing.
 */
export interface PolicyView {
  id: string
  name: string
  description: string | null
  start_rules: RuleView[]
  stop_rules: RuleView[]
  metadata: Policy['metadata']
  valid: boolean
  issues: RuleIssue[]
  modified_at: string
}

/** `GET /policies/{id}/check` (upstream's shape, its swapped messages fixed). */
export interface PolicyCheck {
  valid: boolean
  policy_id: string
  policy_name: string
  errors: string[]
  warnings: string[]
  start_rules_count: number
  stop_rules_count: number
  enabled_start_rules_count: number
  enabled_stop_rules_count: number
}

/** A policy ready for the loop: parsed, checked, compiled (cached by file text). */
export interface LoadedPolicy {
  policy: Policy
  compiled: CompiledPolicy
  modified_at: string
}

const Text = v.pipe(v.string('expected a string'), v.trim())
const NameSchema = v.pipe(Text, v.nonEmpty('must not be empty'), v.maxLength(200))
const PrioritySchema = v.pipe(
  v.number('expected a number'),
  v.safeInteger('expected a whole number'),
)
const ForSecondsSchema = v.pipe(
  v.number('expected a number of seconds'),
  v.safeInteger('expected a whole number of seconds'),
  v.minValue(0, 'expected 0 or more seconds'),
)

export const CreatePolicyInputSchema = v.object({
  name: NameSchema,
  description: v.nullish(Text),
})

export const UpdatePolicyInputSchema = v.object({
  name: v.optional(NameSchema),
  /** null clears it (upstream could not). */
  description: v.optional(v.nullable(Text)),
})

export const CreateRuleInputSchema = v.object({
  name: NameSchema,
  description: v.nullish(Text),
  conditions: v.unknown(),
  priority: v.optional(PrioritySchema, 0),
  enabled: v.optional(v.boolean('expected true or false'), true),
  for_seconds: v.nullish(ForSecondsSchema),
})

export const UpdateRuleInputSchema = v.object({
  name: v.optional(NameSchema),
  description: v.optional(v.nullable(Text)),
  conditions: v.optional(v.unknown()),
  priority: v.optional(PrioritySchema),
  enabled: v.optional(v.boolean('expected true or false')),
  for_seconds: v.optional(v.nullable(ForSecondsSchema)),
})

export const RuleTypeSchema = v.picklist(['start', 'stop'], 'expected start or stop')

export interface PolicyService {
  /** Every policy file, each with its own issues; a broken file never breaks the list. */
  list(): PolicyView[]
  /** Throws EntityNotFoundError. */
  get(id: string): PolicyView
  create(input: unknown): PolicyView
  /** Imports a whole policy file (YAML or JSON text); keeps its id unless `newId` or taken. */
  importText(text: string, options?: { newId?: boolean; source?: string }): PolicyView
  update(id: string, input: unknown): PolicyView
  /** Refused (ConflictError) while a unit uses it, unless `force`. */
  remove(id: string, options?: { force?: boolean }): PolicyView
  check(id: string): PolicyCheck
  rules(id: string, type: RuleType): RuleView[]
  rule(id: string, ruleId: string): RuleView & { rule_type: RuleType }
  addRule(id: string, type: unknown, input: unknown): RuleView
  updateRule(id: string, ruleId: string, input: unknown): RuleView
  setRuleEnabled(id: string, ruleId: string, enabled: boolean): RuleView
  removeRule(id: string, ruleId: string): RuleView
  /** The policy compiled for the loop; throws PolicyTextError when the file has errors. */
  load(id: string): LoadedPolicy
  /** The file's text, as stored. */
  text(id: string): string
}

function ruleView(rule: Rule): RuleView {
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    priority: rule.priority,
    enabled: rule.enabled,
    for_seconds: rule.for_seconds,
    conditions: rule.conditions,
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A stand-in id no policy uses (see locateRule). */
const PROBE_RULE_ID = 'ffffffff-ffff-4fff-bfff-ffffffffffff'

export function createPolicyService(options: {
  store: PolicyFileStore
  references: ReferenceIndex
  platform: Platform
  /** The repositories' transaction: a forced delete detaches the units in one. */
  transaction?: <T>(work: () => T) => T
}): PolicyService {
  const { store, references, platform } = options
  const transaction = options.transaction ?? (<T>(work: () => T): T => work())
  const parsed = new Map<string, { text: string; view: PolicyView; policy: Policy | null }>()
  const compiled = new Map<string, { text: string; loaded: LoadedPolicy }>()

  function parseFile(file: PolicyFile) {
    const cached = parsed.get(file.id)
    if (cached && cached.text === file.text) return cached
    const { policy, issues } = parsePolicy(file.text, { source: `${file.id}.yaml` })
    const fatal = issues.some((issue) => issue.severity === 'error')
    if (!UUID.test(file.id)) {
      issues.push({
        severity: 'error',
        code: 'structure',
        message: `file name ${file.id}.yaml is not <uuid>.yaml: the file name is the policy id`,
        path: '',
        source: `${file.id}.yaml`,
        line: null,
        column: null,
      })
    }
    const view: PolicyView = {
      id: file.id,
      name: policy?.name ?? file.id,
      description: policy?.description ?? null,
      start_rules: (policy?.start_rules ?? []).map(ruleView),
      stop_rules: (policy?.stop_rules ?? []).map(ruleView),
      metadata: policy?.metadata ?? null,
      valid: policy !== null && !fatal && UUID.test(file.id),
      issues,
      modified_at: file.modified_at,
    }
    const entry = { text: file.text, view, policy }
    parsed.set(file.id, entry)
    return entry
  }

  function fileOf(id: string): PolicyFile {
    const checked = parseInput(UuidSchema, id, 'policy_id')
    const file = store.read(checked.toLowerCase())
    if (!file) throw new EntityNotFoundError('policy', id)
    return file
  }

  const get = (id: string) => parseFile(fileOf(id)).view

  /** Edits the YAML document in place (comments and layout of the rest survive), then saves. */
  function edit(id: string, change: (document: Document) => void): PolicyView {
    const file = fileOf(id)
    if (!parseFile(file).policy) {
      throw new PolicyTextError(`${file.id}.yaml`, parseFile(file).view.issues)
    }
    const document = parseDocument(file.text)
    change(document)
    const today = isoAt(platform.now()).slice(0, 10)
    const version = Number(document.getIn(['metadata', 'version']) ?? 0)
    if (!isMap(document.get('metadata'))) {
      // A node, not a plain object: setIn below must be able to reach into it.
      document.set(
        'metadata',
        document.createNode({ author: 'Edge Mining User', version: 1, created: today }),
      )
    } else document.setIn(['metadata', 'version'], Number.isFinite(version) ? version + 1 : 1)
    document.setIn(['metadata', 'last_modified'], today)
    const text = document.toString()
    const { issues } = parsePolicy(text, { source: `${file.id}.yaml` })
    if (issues.some((issue) => issue.severity === 'error')) {
      throw new PolicyTextError(`${file.id}.yaml`, issues)
    }
    return parseFile(store.write(file.id, text)).view
  }

  /** Where a rule sits in the document: its list and index. */
  function locateRule(document: Document, id: string, ruleId: string): [RuleType, number] {
    for (const type of ['start', 'stop'] as const) {
      const list = document.get(`${type}_rules`)
      if (!isSeq(list)) continue
      const index = list.items.findIndex(
        (item) =>
          isMap(item) && String(item.get('id') ?? '').toLowerCase() === ruleId.toLowerCase(),
      )
      if (index >= 0) return [type, index]
    }
    // A rule written without an id (a pasted template) has one derived from its place in the
    // file, which is what views show: find it by giving each id-less rule in turn an explicit
    // id and seeing whether the derived one disappears. The id is then written into the file,
    // so it stays what clients saw through later edits (a rename would change a derived id).
    const wanted = ruleId.toLowerCase()
    for (const type of ['start', 'stop'] as const) {
      const list = document.get(`${type}_rules`)
      if (!isSeq(list)) continue
      for (const [index, item] of list.items.entries()) {
        if (!isMap(item) || String(item.get('id') ?? '').trim() !== '') continue
        const probe = document.clone()
        probe.setIn([`${type}_rules`, index, 'id'], PROBE_RULE_ID)
        const { policy } = parsePolicy(probe.toString(), { source: `${id.toLowerCase()}.yaml` })
        if (!policy) continue
        const ids = [...policy.start_rules, ...policy.stop_rules].map((rule) => rule.id)
        if (ids.includes(wanted)) continue
        item.delete('id')
        item.items.unshift(document.createPair('id', wanted))
        return [type, index]
      }
    }
    throw new EntityNotFoundError('rule', ruleId, `Rule ${ruleId} not found in policy ${id}`)
  }

  function checkConditions(conditions: unknown): unknown {
    const { issues } = validateConditions(conditions, { source: 'conditions' })
    if (issues.some((issue) => issue.severity === 'error')) {
      throw new PolicyTextError('conditions', issues)
    }
    return conditions
  }

  function findRule(id: string, ruleId: string): RuleView & { rule_type: RuleType } {
    const view = get(id)
    for (const type of ['start', 'stop'] as const) {
      const rule = view[`${type}_rules`].find(
        (candidate) => candidate.id === ruleId.toLowerCase() || candidate.id === ruleId,
      )
      if (rule) return { ...rule, rule_type: type }
    }
    throw new EntityNotFoundError('rule', ruleId, `Rule ${ruleId} not found in policy ${id}`)
  }

  function writeNew(id: string, text: string): PolicyView {
    const { policy, issues } = parsePolicy(text, { source: `${id}.yaml` })
    if (!policy || issues.some((issue) => issue.severity === 'error')) {
      throw new PolicyTextError(`${id}.yaml`, issues)
    }
    return parseFile(store.write(id, text)).view
  }

  return {
    list: () => store.list().map((file) => parseFile(file).view),
    get,
    create(input) {
      const body = parseInput(CreatePolicyInputSchema, input)
      const id = platform.randomUUID()
      const today = isoAt(platform.now()).slice(0, 10)
      const document = new Document({
        id,
        name: body.name,
        description: body.description ?? null,
        start_rules: [],
        stop_rules: [],
        metadata: { author: 'Edge Mining User', version: 1, created: today, last_modified: today },
      })
      return writeNew(id, document.toString())
    },
    importText(text, importOptions = {}) {
      const source = importOptions.source ?? 'policy'
      const { policy, issues } = parsePolicy(text, { source })
      if (!policy || issues.some((issue) => issue.severity === 'error')) {
        throw new PolicyTextError(source, issues)
      }
      const keep =
        !importOptions.newId && UUID.test(policy.id) && !store.read(policy.id.toLowerCase())
      const id = keep ? policy.id.toLowerCase() : platform.randomUUID()
      const document = parseDocument(text)
      if (isMap(document.contents)) document.set('id', id)
      else
        return writeNew(id, new Document({ ...JSON.parse(JSON.stringify(policy)), id }).toString())
      return writeNew(id, document.toString())
    },
    update(id, input) {
      const body = parseInput(UpdatePolicyInputSchema, input)
      return edit(id, (document) => {
        if (body.name !== undefined) document.set('name', body.name)
        if (body.description !== undefined) document.set('description', body.description)
      })
    },
    remove(id, removeOptions = {}) {
      const view = get(id)
      const usages = references.usagesOf('policy', view.id)
      if (usages.length > 0 && !removeOptions.force) throw inUseError('policy', view.name, usages)
      // The file goes last, inside the transaction: if anything fails, no unit was detached.
      transaction(() => {
        if (usages.length > 0) references.detach('policy', view.id, isoAt(platform.now()))
        store.remove(view.id)
      })
      parsed.delete(view.id)
      compiled.delete(view.id)
      return view
    },
    check(id) {
      const view = get(id)
      const errors = view.issues
        .filter((issue) => issue.severity === 'error')
        .map((issue) =>
          issue.line === null
            ? issue.message
            : `${issue.message} (line ${issue.line}, column ${issue.column ?? 1})`,
        )
      if (view.start_rules.length === 0) {
        errors.push('The policy has no start rule: add at least one rule that starts mining')
      }
      if (view.stop_rules.length === 0) {
        errors.push('The policy has no stop rule: add at least one rule that stops mining')
      }
      const warnings = view.issues
        .filter((issue) => issue.severity === 'warning')
        .map((issue) => issue.message)
      const disabledStart = view.start_rules.filter((rule) => !rule.enabled).length
      const disabledStop = view.stop_rules.filter((rule) => !rule.enabled).length
      if (disabledStart > 0) warnings.push(`${disabledStart} start rule(s) are disabled`)
      if (disabledStop > 0) warnings.push(`${disabledStop} stop rule(s) are disabled`)
      return {
        valid: errors.length === 0,
        policy_id: view.id,
        policy_name: view.name,
        errors,
        warnings,
        start_rules_count: view.start_rules.length,
        stop_rules_count: view.stop_rules.length,
        enabled_start_rules_count: view.start_rules.length - disabledStart,
        enabled_stop_rules_count: view.stop_rules.length - disabledStop,
      }
    },
    rules(id, type) {
      return get(id)[`${type}_rules`]
    },
    rule: findRule,
    addRule(id, type, input) {
      const ruleType = parseInput(RuleTypeSchema, type, 'rule_type')
      const body = parseInput(CreateRuleInputSchema, input)
      checkConditions(body.conditions)
      const ruleId = platform.randomUUID()
      edit(id, (document) => {
        const rule: Record<string, unknown> = {
          id: ruleId,
          name: body.name,
          description: body.description ?? null,
          priority: body.priority,
          enabled: body.enabled,
          ...(body.for_seconds != null ? { for_seconds: body.for_seconds } : {}),
          conditions: body.conditions,
        }
        const list = document.get(`${ruleType}_rules`)
        if (isSeq(list)) list.add(document.createNode(rule))
        else document.set(`${ruleType}_rules`, [rule])
      })
      return findRule(id, ruleId)
    },
    updateRule(id, ruleId, input) {
      const body = parseInput(UpdateRuleInputSchema, input)
      if (body.conditions !== undefined) checkConditions(body.conditions)
      edit(id, (document) => {
        const [type, index] = locateRule(document, id, ruleId)
        const path = [`${type}_rules`, index]
        for (const key of ['name', 'description', 'priority', 'enabled', 'conditions'] as const) {
          if (body[key] !== undefined)
            document.setIn([...path, key], document.createNode(body[key]))
        }
        if (body.for_seconds === null) document.deleteIn([...path, 'for_seconds'])
        else if (body.for_seconds !== undefined)
          document.setIn([...path, 'for_seconds'], body.for_seconds)
      })
      return findRule(id, ruleId)
    },
    setRuleEnabled(id, ruleId, enabled) {
      edit(id, (document) => {
        const [type, index] = locateRule(document, id, ruleId)
        document.setIn([`${type}_rules`, index, 'enabled'], enabled)
      })
      return findRule(id, ruleId)
    },
    removeRule(id, ruleId) {
      const rule = findRule(id, ruleId)
      edit(id, (document) => {
        const [type, index] = locateRule(document, id, ruleId)
        document.deleteIn([`${type}_rules`, index])
      })
      return rule
    },
    load(id) {
      const file = fileOf(id)
      const cached = compiled.get(file.id)
      if (cached && cached.text === file.text) return cached.loaded
      const entry = parseFile(file)
      if (!entry.policy || !entry.view.valid) {
        throw new PolicyTextError(`${file.id}.yaml`, entry.view.issues)
      }
      const loaded = {
        policy: entry.policy,
        compiled: compilePolicy(entry.policy),
        modified_at: file.modified_at,
      }
      compiled.set(file.id, { text: file.text, loaded })
      return loaded
    },
    text: (id) => fileOf(id).text,
  }
}
