import type { Document, Node as YamlNode } from 'yaml'
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { IssueSink, Locator, PathSegment, Position } from './issues'
import { formatPath, show } from './issues'

/** Input limits: a rule file is a few kilobytes; these stop hostile input cheaply. */
export const LIMITS = Object.freeze({
  /** Characters of YAML/JSON text accepted. */
  maxTextLength: 1_000_000,
  /** Nesting of YAML mappings/lists (conditions alone are limited to `maxConditionDepth`). */
  maxYamlDepth: 100,
  /** Nesting of condition groups (`all_of`/`any_of`/`not_`). */
  maxConditionDepth: 32,
  /** Nodes materialised, aliases expanded (billion-laughs guard). */
  maxNodes: 200_000,
  /** Alias expansions per document (as the yaml package's `maxAliasCount`). */
  maxAliasCount: 1_000,
})

export interface LoadedSource {
  /** The document as plain JSON-like data, or undefined when it could not be read. */
  value: unknown
  locate: Locator
  /** Paths (formatted) under which the loader already reported an error: rules there are skipped. */
  taintedPaths: string[]
}

class BudgetExceeded extends Error {}

const tooDeep = `nesting too deep (more than ${LIMITS.maxYamlDepth} levels)`

/**
 * Offset where flow collections (`[`, `{`) nest deeper than `limit`, or -1. A cheap scan that
 * skips quoted scalars and comments, so hostile nesting never reaches the recursive composer.
 */
function flowNestingBeyond(text: string, limit: number): number {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '[' || ch === '{') {
      if (++depth > limit) return i
    } else if (ch === ']' || ch === '}') depth = Math.max(0, depth - 1)
    else if (ch === '"' || ch === "'") {
      const previous = text[i - 1]
      if (previous !== undefined && /[^\s[{,:]/.test(previous)) continue
      const close = text.indexOf(ch, i + 1)
      if (close < 0) return -1
      i = close
    } else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const end = text.indexOf('\n', i)
      if (end < 0) return -1
      i = end
    }
  }
  return -1
}

/**
 * Reads YAML (or JSON) text into plain data plus a path → position index, reporting syntax
 * errors, duplicated and non-string keys, over-deep nesting and alias bombs as issues. Never throws.
 */
export function loadYaml(text: unknown, sink: IssueSink): LoadedSource {
  const positions = new Map<string, { key: number; value: number }>()
  const lineCounter = new LineCounter()
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col }
  }
  const locate: Locator = (path, part) => {
    let current = path
    for (;;) {
      const found = positions.get(current)
      if (found) {
        const offset = part === 'key' && found.key >= 0 ? found.key : found.value
        return offset >= 0 ? toPosition(offset) : null
      }
      if (current === '') return null
      const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['))
      current = cut > 0 ? current.slice(0, cut) : ''
      part = 'value'
    }
  }
  const taintedPaths: string[] = []
  const empty: LoadedSource = { value: undefined, locate, taintedPaths }

  if (typeof text !== 'string') {
    sink.addAt('error', 'syntax', '', `expected YAML text, got ${typeof text}`, null)
    return empty
  }
  if (text.length > LIMITS.maxTextLength) {
    sink.addAt(
      'error',
      'limit',
      '',
      `document too large: ${text.length} characters, at most ${LIMITS.maxTextLength}`,
      null,
    )
    return empty
  }
  if (text.trim() === '') {
    sink.addAt('error', 'structure', '', 'empty document', { line: 1, column: 1 })
    return empty
  }

  const deepAt = flowNestingBeyond(text, LIMITS.maxYamlDepth)
  if (deepAt >= 0) {
    lineCounter.addNewLine(0)
    for (let i = text.indexOf('\n'); i >= 0 && i < deepAt; i = text.indexOf('\n', i + 1))
      lineCounter.addNewLine(i + 1)
    sink.addAt('error', 'limit', '', tooDeep, toPosition(deepAt))
    return empty
  }

  let doc: Document.Parsed
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false })
  } catch (error) {
    // The composer recurses per nesting level: absurd nesting overflows the stack.
    const problem =
      error instanceof RangeError
        ? tooDeep
        : `cannot read the document: ${error instanceof Error ? error.message : String(error)}`
    sink.addAt('error', 'limit', '', problem, { line: 1, column: 1 })
    return empty
  }
  for (const error of doc.errors) {
    // The yaml composer reports its own stack overflow (deep block nesting) as an error.
    const overflow = /call stack/i.test(error.message)
    sink.addAt(
      'error',
      overflow ? 'limit' : 'syntax',
      '',
      overflow ? tooDeep : `YAML syntax error: ${error.message.split('\n')[0]}`,
      toPosition(error.pos[0]),
    )
  }
  if (doc.errors.length > 0) return empty
  for (const warning of doc.warnings) {
    sink.addAt(
      'warning',
      'syntax',
      '',
      `YAML: ${warning.message.split('\n')[0]}`,
      toPosition(warning.pos[0]),
    )
  }

  let nodes = 0
  let aliases = 0
  const start = (node: YamlNode | null | undefined) => node?.range?.[0] ?? -1

  const build = (
    node: unknown,
    segments: PathSegment[],
    depth: number,
    keyOffset: number,
  ): unknown => {
    if (++nodes > LIMITS.maxNodes) throw new BudgetExceeded()
    const path = formatPath(segments)
    if (isAlias(node)) {
      if (++aliases > LIMITS.maxAliasCount) throw new BudgetExceeded()
      if (!positions.has(path)) positions.set(path, { key: keyOffset, value: start(node) })
      const target = node.resolve(doc)
      return target === undefined ? null : build(target, segments, depth, keyOffset)
    }
    if (!positions.has(path))
      positions.set(path, { key: keyOffset, value: start(node as YamlNode) })
    if (depth > LIMITS.maxYamlDepth) {
      sink.add(
        'error',
        'limit',
        segments,
        `nesting too deep (more than ${LIMITS.maxYamlDepth} levels)`,
      )
      taintedPaths.push(path)
      return null
    }
    if (isScalar(node)) return node.value
    if (isSeq(node))
      return node.items.map((item, i) => build(item, [...segments, i], depth + 1, -1))
    if (isMap(node)) {
      const out: Record<string, unknown> = Object.create(null)
      for (const pair of node.items) {
        if (!isPair(pair)) continue
        const keyNode = pair.key as YamlNode | null
        const rawKey = isScalar(keyNode) ? keyNode.value : keyNode
        const keyAt = start(keyNode)
        if (typeof rawKey !== 'string') {
          sink.addAt(
            'error',
            'structure',
            path,
            `keys must be strings, found ${isScalar(keyNode) ? show(rawKey) : 'a complex key'}`,
            keyAt >= 0 ? toPosition(keyAt) : null,
          )
          taintedPaths.push(path)
          continue
        }
        const childSegments = [...segments, rawKey]
        if (Object.hasOwn(out, rawKey)) {
          sink.addAt(
            'error',
            'structure',
            formatPath(childSegments),
            `duplicated key ${show(rawKey)} (the first one is kept)`,
            keyAt >= 0 ? toPosition(keyAt) : null,
          )
          taintedPaths.push(path)
          continue
        }
        out[rawKey] = build(pair.value, childSegments, depth + 1, keyAt)
      }
      return out
    }
    return null
  }

  try {
    return { value: build(doc.contents, [], 0, -1), locate, taintedPaths }
  } catch (error) {
    if (!(error instanceof BudgetExceeded || error instanceof RangeError)) throw error
    sink.addAt(
      'error',
      'limit',
      '',
      `document expands to more than ${LIMITS.maxNodes} nodes or ${LIMITS.maxAliasCount} aliases (an alias bomb?)`,
      { line: 1, column: 1 },
    )
    return empty
  }
}
