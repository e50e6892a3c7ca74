/** What kind of problem an issue reports (maps onto the API's syntax/field/validation lists). */
export type RuleIssueCode = 'syntax' | 'limit' | 'structure' | 'field' | 'operator' | 'value'

export interface RuleIssue {
  severity: 'error' | 'warning'
  /** `path: what is wrong`, e.g. `stop_rules[1].conditions.all_of[0].operator: unknown operator "gtt" (did you mean "gt"?)`. */
  message: string
  /** Where in the document, e.g. `stop_rules[1].conditions.all_of[0].operator` (`''` = the whole document). */
  path: string
  /** The file or label given as `options.source`, else null. */
  source: string | null
  /** 1-based line and column in the text, null when unknown (object input, or no position). */
  line: number | null
  column: number | null
  code: RuleIssueCode
}

export type PathSegment = string | number

/** `['stop_rules', 1, 'conditions']` → `stop_rules[1].conditions`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = ''
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out === '' ? segment : `.${segment}`
  }
  return out
}

export interface Position {
  line: number
  column: number
}

/** Finds positions of paths in the source text; `null` for object input. */
export type Locator = (path: string, part: 'key' | 'value') => Position | null

/** Collects issues, filling source and positions. */
export interface IssueSink {
  readonly issues: RuleIssue[]
  add(
    severity: RuleIssue['severity'],
    code: RuleIssueCode,
    segments: readonly PathSegment[],
    problem: string,
    part?: 'key' | 'value',
  ): void
  /** Adds an issue at a known position (YAML syntax errors). */
  addAt(
    severity: RuleIssue['severity'],
    code: RuleIssueCode,
    path: string,
    problem: string,
    position: Position | null,
  ): void
  errorCount(): number
}

export function createIssueSink(source: string | null, locate: Locator | null): IssueSink {
  const issues: RuleIssue[] = []
  const addAt: IssueSink['addAt'] = (severity, code, path, problem, position) => {
    issues.push({
      severity,
      message: path ? `${path}: ${problem}` : problem,
      path,
      source,
      line: position?.line ?? null,
      column: position?.column ?? null,
      code,
    })
  }
  return {
    issues,
    addAt,
    add(severity, code, segments, problem, part = 'value') {
      const path = formatPath(segments)
      addAt(severity, code, path, problem, locate ? locate(path, part) : null)
    },
    errorCount: () => issues.filter((issue) => issue.severity === 'error').length,
  }
}

/** A short, safe rendering of a user value for messages (never the whole of a huge value). */
export function show(value: unknown): string {
  let text: string
  if (typeof value === 'string') text = JSON.stringify(value)
  else if (value === undefined) text = 'nothing'
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    text = String(value)
  else {
    try {
      text = JSON.stringify(value) ?? typeof value
    } catch {
      text = typeof value
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

export function didYouMean(candidates: readonly string[]): string {
  if (candidates.length === 0) return ''
  return ` (did you mean ${candidates.map((c) => JSON.stringify(c)).join(' or ')}?)`
}
