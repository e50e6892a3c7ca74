// @ts-check
/**
 * The Edge Mining dashboard's client: plain JavaScript served as it is (no build step), one
 * module for the four pages. Everything it shows comes from /api/v1, with the token the browser
 * keeps when the server asks for one. Data goes into the page as text only (textContent, text
 * nodes, attribute values), never as markup: unit, miner and tracker names are user text.
 */

const TOKEN_KEY = 'edge-mining.api-token'
/** The SSE stream sends a heartbeat every 15 s; silence this long means a dead connection. */
const STREAM_SILENCE_MS = 45_000
const MAX_RETRY_SECONDS = 30
/** Live miner readings are asked for at most this often per unit (they reach the device). */
const MINER_READ_INTERVAL_MS = 15_000
const ISO_INSTANT = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g

// ─── DOM ─────────────────────────────────────────────────────────────────────────────────────

/**
 * An element with attributes and children; strings become text nodes.
 * @param {string} tag
 * @param {Record<string, unknown>} [attributes]
 * @param {...(Node | string | number | null | undefined | false | Array<Node | string | null | undefined | false>)} children
 * @returns {HTMLElement}
 */
function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'class') node.className = String(value)
    else if (key === 'dataset') Object.assign(node.dataset, value)
    else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), /** @type {EventListener} */ (value))
    } else node.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    node.append(typeof child === 'number' ? String(child) : child)
  }
  return node
}

/** @param {string} id */
function byId(id) {
  const node = document.getElementById(id)
  if (!node) throw new Error(`The page has no #${id}`)
  return node
}

/** @param {HTMLElement} node @param {boolean} busy */
function setBusy(node, busy) {
  if (busy) node.setAttribute('aria-busy', 'true')
  else node.removeAttribute('aria-busy')
}

// ─── The token and the API ───────────────────────────────────────────────────────────────────

function storedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

/** Thrown after a 401 from the API's own token check: the token form is shown instead. */
class TokenRequired extends Error {}

/** An API answer that is not a success, with its `detail` and headers. */
class ApiFailure extends Error {
  /** @param {number} status @param {string} detail @param {Headers} headers */
  constructor(status, detail, headers) {
    super(detail)
    this.status = status
    this.headers = headers
  }
}

function authHeaders() {
  const headers = new Headers({ Accept: 'application/json' })
  const token = storedToken()
  if (token) headers.set('Authorization', `Bearer ${token}`)
  return headers
}

/** The API's own 401 says `WWW-Authenticate: Bearer`; a pool that refused its credentials does not. @param {Response} res */
function isTokenRefusal(res) {
  return res.status === 401 && /^bearer/i.test(res.headers.get('www-authenticate') ?? '')
}

/**
 * One API call: the parsed body and the headers, or ApiFailure, or TokenRequired (after
 * showing the token form).
 * @param {string} path under /api/v1
 * @returns {Promise<{ body: any, headers: Headers }>}
 */
async function request(path) {
  const res = await fetch(`/api/v1${path}`, { headers: authHeaders(), cache: 'no-store' })
  if (isTokenRefusal(res)) {
    askForToken(storedToken() !== null)
    throw new TokenRequired('This server needs its API token')
  }
  const text = await res.text()
  let body = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    throw new ApiFailure(res.status, `Unreadable answer from ${path}`, res.headers)
  }
  if (!res.ok) throw new ApiFailure(res.status, body?.detail ?? res.statusText, res.headers)
  return { body, headers: res.headers }
}

/** @param {string} path */
async function get(path) {
  return (await request(path)).body
}

const tokenForm = /** @type {HTMLFormElement} */ (byId('token-form'))
const tokenInput = /** @type {HTMLInputElement} */ (byId('token-input'))
const content = byId('content')
const forgetButton = byId('forget-token')

/** @param {boolean} refused */
function askForToken(refused) {
  stopEvents()
  tokenForm.hidden = false
  content.hidden = true
  byId('token-error').textContent = refused
    ? 'The server refused the stored token: enter the current one.'
    : ''
  tokenInput.focus()
}

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault()
  const token = tokenInput.value.trim()
  if (!token) return
  try {
    localStorage.setItem(TOKEN_KEY, token)
  } catch {
    byId('token-error').textContent = 'This browser does not let the page keep the token.'
    return
  }
  // A fresh start with the token: nothing half-loaded without it stays behind.
  location.reload()
})

forgetButton.hidden = storedToken() === null
forgetButton.addEventListener('click', () => {
  try {
    localStorage.removeItem(TOKEN_KEY)
  } catch {}
  location.reload()
})

// ─── Time: the server's clock and the settings' time zone ────────────────────────────────────

const serverTimeMeta = document.querySelector('meta[name="edge-mining-server-time"]')
let clockOffsetMs = Number(serverTimeMeta?.getAttribute('content')) - Date.now() || 0
/** The server's "now" (its clock may be another than the browser's: a simulation, a skew). */
const serverNow = () => Date.now() + clockOffsetMs
/** @param {number} ms the server's clock at this instant */
function observeServerTime(ms) {
  if (Number.isFinite(ms)) clockOffsetMs = ms - Date.now()
}

/** @type {string | undefined} */
let timeZone
const formatters = new Map()
/** @param {Intl.DateTimeFormatOptions} options */
function dateFormat(options) {
  const key = JSON.stringify(options)
  let format = formatters.get(key)
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(undefined, { timeZone, ...options })
    } catch {
      format = new Intl.DateTimeFormat(undefined, options)
    }
    formatters.set(key, format)
  }
  return format
}

/** @param {string | number | null | undefined} at */
function toMs(at) {
  if (at === null || at === undefined) return Number.NaN
  return typeof at === 'number' ? at : Date.parse(at)
}

/** `14:32`, or `Sat 20 Jun, 14:32` when not today. @param {string | number | null | undefined} at */
function formatWhen(at) {
  const ms = toMs(at)
  if (!Number.isFinite(ms)) return '—'
  const day = dateFormat({ year: 'numeric', month: '2-digit', day: '2-digit' })
  const time = dateFormat({ hour: '2-digit', minute: '2-digit' }).format(ms)
  if (day.format(ms) === day.format(serverNow())) return time
  return `${dateFormat({ weekday: 'short', day: 'numeric', month: 'short' }).format(ms)}, ${time}`
}

/** `Sat 20 Jun, 14:32:05` (the year too when it is not this one). @param {string | number} at */
function formatFull(at) {
  const ms = toMs(at)
  if (!Number.isFinite(ms)) return '—'
  const year = dateFormat({ year: 'numeric' })
  return dateFormat({
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(year.format(ms) === year.format(serverNow()) ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(ms)
}

/** `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. @param {number} seconds */
function formatDuration(seconds) {
  const whole = Math.max(0, Math.round(seconds))
  if (whole < 120) return `${whole} s`
  const minutes = Math.round(whole / 60)
  if (minutes < 120) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
  return `${Math.floor(hours / 24)} d ${hours % 24} h`
}

/**
 * A time-axis label: the date at local midnight, else the time.
 * @param {number} seconds
 */
function timeTick(seconds) {
  const ms = seconds * 1000
  const parts = dateFormat({ hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(
    ms,
  )
  const part = (/** @type {string} */ type) => Number(parts.find((p) => p.type === type)?.value)
  return part('hour') === 0 && part('minute') === 0
    ? dateFormat({ day: 'numeric', month: 'short' }).format(ms)
    : dateFormat({ hour: '2-digit', minute: '2-digit' }).format(ms)
}

/** `3 min ago`. @param {string | null | undefined} at */
function formatAgo(at) {
  const ms = toMs(at)
  if (!Number.isFinite(ms)) return ''
  const seconds = (serverNow() - ms) / 1000
  return seconds < 5 ? 'just now' : `${formatDuration(seconds)} ago`
}

/** Reasons carry UTC instants; a person reads them in the site's time zone. @param {string} text */
function localizeInstants(text) {
  return text.replace(ISO_INSTANT, (iso) => formatWhen(iso))
}

// ─── Numbers ─────────────────────────────────────────────────────────────────────────────────

const numberFormats = new Map()
/** @param {number} value @param {number} digits */
function formatNumber(value, digits = 0) {
  let format = numberFormats.get(digits)
  if (!format) {
    format = new Intl.NumberFormat(undefined, { maximumFractionDigits: digits })
    numberFormats.set(digits, format)
  }
  return format.format(value)
}

/** @param {unknown} value */
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value)

/** `850 W`, `3.2 kW`. @param {number | null | undefined} watts */
function formatPower(watts) {
  if (!isNumber(watts)) return '—'
  const value = /** @type {number} */ (watts)
  return Math.abs(value) >= 1000
    ? `${formatNumber(value / 1000, 2)} kW`
    : `${formatNumber(value, 0)} W`
}

/** Hash rates arrive in TH/s. @param {{ value: number } | number | null | undefined} rate */
function formatHashRate(rate) {
  const value = typeof rate === 'number' ? rate : rate?.value
  if (!isNumber(value)) return '—'
  const ths = /** @type {number} */ (value)
  return ths >= 1000 ? `${formatNumber(ths / 1000, 2)} PH/s` : `${formatNumber(ths, 1)} TH/s`
}

/** @param {number | null | undefined} sats */
function formatSats(sats) {
  return isNumber(sats) ? `${formatNumber(/** @type {number} */ (sats))} sats` : '—'
}

// ─── Decisions in words ──────────────────────────────────────────────────────────────────────

const DECISION_LABEL = {
  start_mining: 'Start mining',
  stop_mining: 'Stop mining',
  maintain_state: 'Keep as it is',
}
const STATUS_LABEL = {
  on: 'Mining',
  off: 'Off',
  starting: 'Starting',
  stopping: 'Stopping',
  error: 'Error',
  unknown: 'Unknown',
}
const KIND_LABEL = {
  act: 'acting now',
  hold: 'held',
  skip: 'not decided',
  decide: 'no change needed',
}
const HOLD_LABEL = {
  min_on: 'the minimum on time',
  min_off: 'the minimum off time',
  override: 'a manual override',
  for_seconds: 'the rule’s wait (it must stay true for a while)',
}
const RULE_STATUS_LABEL = {
  fired: 'fired',
  holding: 'true, waiting',
  not_matched: 'not matched',
  not_reached: 'not reached',
  disabled: 'disabled',
}
/** What the policy fields mean, for the leaves people read most. */
const FIELD_LABEL = {
  'energy_state.production': 'Solar production',
  'energy_state.consumption.current_power': 'House consumption',
  'energy_state.surplus_power': 'Solar surplus',
  'energy_state.battery.state_of_charge': 'Battery charge',
  'energy_state.battery.remaining_capacity': 'Battery energy left',
  'energy_state.battery.current_power': 'Battery power',
  'energy_state.battery.charging_power': 'Battery charging',
  'energy_state.battery.discharging_power': 'Battery discharging',
  'energy_state.grid.current_power': 'Grid power',
  'energy_state.grid.importing_power': 'Grid import',
  'energy_state.grid.exporting_power': 'Grid export',
  'forecast.next_hour_power': 'Solar forecast, next hour',
  'forecast.avg_next_4_hours_power': 'Solar forecast, next 4 h',
  home_load_forecast: 'Expected house load',
  'timestamp.hour': 'Hour of the day',
  'timestamp.minute': 'Minute',
  'timestamp.weekday': 'Day of the week (0 = Monday)',
  'miner_state.status': 'Miner status',
  'miner_state.power_consumption': 'Miner power',
  'miner.power_consumption_max': 'the miner’s maximum power',
  'miner.hash_rate_max': 'the miner’s maximum hash rate',
  'mining_performance.pool_stats.unpaid_balance': 'Unpaid balance',
  'mining_performance.payout_progress': 'Payout progress',
  'mining_performance.seconds_since_last_share': 'Time since the last share',
  'mining_performance.workers_online': 'Workers online',
  'pool_worker.seconds_since_last_share': 'Time since the worker’s last share',
}
const TRUTH_MARK = { true: '✓', false: '✗', unknown: '?' }
const SYMBOL = { '>=': '≥', '<=': '≤', '!=': '≠', '==': '=' }
/** The leaves a reason quotes in parentheses (`… fired (energy_state.production = 3400 W > 3000)`). */
const QUOTED_LEAVES = /\s*\([^()]*\s=\s[^()]*\)/

/** @param {unknown} value @param {string | null} unit */
function formatValue(value, unit) {
  if (value === null || value === undefined) return 'missing'
  if (Array.isArray(value)) return value.map((item) => formatValue(item, unit)).join(', ')
  if (typeof value === 'number') {
    const text = formatNumber(value, 2)
    return unit ? `${text} ${unit}` : text
  }
  if (typeof value === 'string') return `“${value}”`
  return String(value)
}

/**
 * A leaf as a sentence: `Battery charge 60 % > 40 %`.
 * @param {any} leaf
 */
function leafSentence(leaf) {
  const label = FIELD_LABEL[/** @type {keyof typeof FIELD_LABEL} */ (leaf.field)] ?? leaf.field
  const expected = leaf.value_ref
    ? `${FIELD_LABEL[/** @type {keyof typeof FIELD_LABEL} */ (leaf.value_ref)] ?? leaf.value_ref} (${formatValue(leaf.expected, leaf.unit)})`
    : formatValue(leaf.expected, leaf.unit)
  const note = leaf.note ? ` (${leaf.note})` : ''
  const symbol = SYMBOL[/** @type {keyof typeof SYMBOL} */ (leaf.symbol)] ?? leaf.symbol
  return `${label} ${formatValue(leaf.actual, leaf.unit)} ${symbol} ${expected}${note}`
}

/**
 * The leaves that decided a condition: for a true all_of every child, for a true any_of the
 * first true child, and the reverse for false (the rules package's `decidingLeaves`).
 * @param {any} node
 * @returns {any[]}
 */
function decidingLeaves(node) {
  if (!node) return []
  switch (node.kind) {
    case 'leaf':
      return [node]
    case 'not_':
      return decidingLeaves(node.child)
    case 'all_of':
    case 'any_of': {
      const decisive = node.kind === 'all_of' ? 'false' : 'true'
      const first = node.children.find(
        /** @param {any} child */ (child) => child.kind !== 'rule' && child.result === decisive,
      )
      return first ? decidingLeaves(first) : node.children.flatMap(decidingLeaves)
    }
    default:
      return decidingLeaves(node.condition)
  }
}

/**
 * The rule node behind a decision: the fired rule, else the one waiting on its `for_seconds`.
 * @param {any[] | null | undefined} trace
 * @param {string | null | undefined} ruleId
 */
function decidingRule(trace, ruleId) {
  const rules = (trace ?? []).filter((node) => node.kind === 'rule')
  return (
    rules.find((node) => node.status === 'fired' && (!ruleId || node.rule.id === ruleId)) ??
    rules.find((node) => node.status === 'holding') ??
    null
  )
}

/**
 * What holds a miner, in words: `a manual override — 58 min left (until 13:00)`.
 * @param {{ reason: string, until: string | null, remaining_seconds: number }} hold
 */
function holdSentence(hold) {
  const label = HOLD_LABEL[/** @type {keyof typeof HOLD_LABEL} */ (hold.reason)] ?? hold.reason
  const until = toMs(hold.until)
  const left = Number.isFinite(until) ? (until - serverNow()) / 1000 : hold.remaining_seconds
  if (left <= 0) return `${label} — ending now`
  const end = Number.isFinite(until) ? ` (until ${formatWhen(until)})` : ''
  return `${label} — ${formatDuration(left)} left${end}`
}

/**
 * The reason without the leaves it quotes in field paths when the rule that decided is in the
 * trace: those are shown in words beside it.
 * @param {{ reason: string, rule?: any, rule_id?: string | null, trace?: any[] | null }} entry
 */
function plainReason(entry) {
  const ruleNode = decidingRule(entry.trace, entry.rule?.id ?? entry.rule_id)
  const reason = entry.reason ?? ''
  return decidingLeaves(ruleNode).length > 0 ? reason.replace(QUOTED_LEAVES, '') : reason
}

/**
 * Why a miner was decided so: the sentence, then rule, deciding leaves and hold as a list.
 * Works for a cycle's plan and for a decision-log entry alike.
 * @param {{ reason: string, rule?: any, rule_id?: string | null, rule_name?: string | null, rule_type?: string | null, trace?: any[] | null, hold?: any, details?: any }} entry
 * @param {{ sentence?: boolean }} [options] `sentence: false` where the reason is already shown
 */
function explanation(entry, options = {}) {
  const rows = []
  const ruleName = entry.rule?.name ?? entry.rule_name
  const ruleNode = decidingRule(entry.trace, entry.rule?.id ?? entry.rule_id)
  if (ruleName) {
    const type = entry.rule?.type ?? entry.rule_type
    const priority = entry.rule?.priority ?? ruleNode?.rule?.priority
    const about = [type ? `${type} rule` : null, isNumber(priority) ? `priority ${priority}` : null]
      .filter(Boolean)
      .join(', ')
    rows.push(['Rule', `${ruleName}${about ? ` (${about})` : ''}`])
  } else if (ruleNode) {
    rows.push(['Waiting rule', ruleNode.rule.name])
  } else {
    // No rule decided: what kept the first rules from firing says what it would take.
    const missed = (entry.trace ?? [])
      .filter((node) => node.kind === 'rule' && node.status === 'not_matched')
      .slice(0, 3)
    if (missed.length > 0) {
      rows.push([
        'Not met',
        h(
          'ul',
          { class: 'leaves' },
          missed.map((node) =>
            h('li', {}, `${node.rule.name}: `, decidingLeaves(node).map(leafSentence).join('; ')),
          ),
        ),
      ])
    }
  }
  const leaves = decidingLeaves(ruleNode)
  if (leaves.length > 0) {
    rows.push([
      'Because',
      h(
        'ul',
        { class: 'leaves' },
        leaves.map((leaf) =>
          h(
            'li',
            { dataset: { result: leaf.result } },
            h(
              'span',
              { class: 'mark', 'aria-hidden': 'true' },
              TRUTH_MARK[/** @type {'true'} */ (leaf.result)] ?? '?',
            ),
            ` ${leafSentence(leaf)} `,
            h('code', {}, leaf.field),
          ),
        ),
      ),
    ])
  }
  const hold = entry.hold ?? entry.details?.hold
  if (hold) rows.push(['Held by', holdSentence(hold)])
  const reason = plainReason(entry)
  return h(
    'div',
    { class: 'why' },
    options.sentence === false ? null : h('p', { class: 'reason' }, localizeInstants(reason ?? '')),
    rows.length > 0
      ? h(
          'dl',
          {},
          rows.flatMap(([term, description]) => [h('dt', {}, term), h('dd', {}, description)]),
        )
      : null,
  )
}

/** @param {string | null | undefined} decision */
function decisionBadge(decision) {
  const label =
    DECISION_LABEL[/** @type {keyof typeof DECISION_LABEL} */ (decision)] ?? decision ?? '—'
  return h('span', { class: `badge decision decision-${decision ?? 'none'}` }, label)
}

/** @param {string | null | undefined} status */
function statusBadge(status) {
  const key = status ?? 'unknown'
  return h(
    'span',
    { class: `badge status status-${key}` },
    STATUS_LABEL[/** @type {keyof typeof STATUS_LABEL} */ (key)] ?? key,
  )
}

/**
 * A pool figure's freshness: `stale, 4 min old`, or nothing when fresh.
 * @param {boolean} stale @param {number | null} ageSeconds
 */
function staleNote(stale, ageSeconds) {
  if (!stale) return null
  const age = isNumber(ageSeconds)
    ? `, ${formatDuration(/** @type {number} */ (ageSeconds))} old`
    : ''
  return h('span', { class: 'badge stale' }, `stale${age}`)
}

/** @param {unknown} error */
function messageOf(error) {
  if (error instanceof ApiFailure && error.status === 429) {
    const retry = Number(error.headers.get('retry-after'))
    return `pool rate-limited${retry > 0 ? `, retry in ${formatDuration(retry)}` : ''}`
  }
  return error instanceof Error ? error.message : String(error)
}

/** Shows a failure of the whole page, with a retry. @param {unknown} error */
function showPageError(error) {
  if (error instanceof TokenRequired) return
  const box = byId('page-error')
  box.hidden = false
  box.replaceChildren(
    `Could not load the page’s data: ${messageOf(error)} `,
    h('button', { type: 'button', class: 'link', onclick: () => location.reload() }, 'Try again'),
  )
}

// ─── Live updates: SSE over fetch (EventSource cannot send the token, and it never goes in a URL)

/** @type {AbortController | null} */
let events = null

function stopEvents() {
  events?.abort()
  events = null
}

/** @param {string} text @param {'live' | 'waiting' | 'off'} state */
function setLive(text, state) {
  const node = byId('live')
  node.textContent = text
  node.dataset.state = state
}

/**
 * Reads a `text/event-stream` body and calls `onMessage(event, data)` per message.
 * @param {ReadableStream<BufferSource>} body
 * @param {(event: string, data: string) => void} onMessage
 * @param {() => void} onActivity
 */
async function readEventStream(body, onMessage, onActivity) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  let event = 'message'
  /** @type {string[]} */
  let data = []
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    onActivity()
    buffer += value
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/)
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (end < 0 || (buffer[end] === '\r' && end === buffer.length - 1)) break
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1))
      if (line === '') {
        if (data.length > 0) onMessage(event, data.join('\n'))
        event = 'message'
        data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = text
      else if (field === 'data') data.push(text)
    }
  }
}

/**
 * Keeps `/api/v1/events` open: reconnects with a growing wait (1, 2, 4 … 30 s, jittered) and
 * calls `onReconnect` after a gap, since events may have been missed.
 * @param {string} topics
 * @param {(topic: string, payload: any, at: string) => void} onEvent
 * @param {() => void} onReconnect
 */
function followEvents(topics, onEvent, onReconnect) {
  stopEvents()
  const controller = new AbortController()
  events = controller
  let failures = 0
  let lost = false
  const run = async () => {
    while (!controller.signal.aborted) {
      const attempt = new AbortController()
      const abortAttempt = () => attempt.abort()
      controller.signal.addEventListener('abort', abortAttempt)
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let watchdog
      const feed = () => {
        clearTimeout(watchdog)
        watchdog = setTimeout(() => attempt.abort(), STREAM_SILENCE_MS)
      }
      try {
        setLive(failures === 0 ? 'Connecting…' : 'Reconnecting…', 'waiting')
        feed()
        const res = await fetch(`/api/v1/events?topics=${encodeURIComponent(topics)}`, {
          headers: authHeaders(),
          cache: 'no-store',
          signal: attempt.signal,
        })
        if (isTokenRefusal(res)) {
          askForToken(storedToken() !== null)
          return
        }
        if (!res.ok || !res.body) throw new Error(`events answered ${res.status}`)
        await readEventStream(
          res.body,
          (name, data) => {
            if (name === 'ready') {
              failures = 0
              setLive('Live', 'live')
              if (lost) onReconnect()
              lost = false
              return
            }
            const message = JSON.parse(data)
            observeServerTime(Date.parse(message.at))
            onEvent(message.topic, message.payload, message.at)
          },
          feed,
        )
      } catch {
        // Aborted, dropped or refused: try again below unless the page stopped listening.
      } finally {
        clearTimeout(watchdog)
        controller.signal.removeEventListener('abort', abortAttempt)
      }
      if (controller.signal.aborted) return
      lost = true
      failures += 1
      const seconds = Math.min(MAX_RETRY_SECONDS, 2 ** (failures - 1)) * (0.8 + Math.random() * 0.4)
      setLive(`Live updates lost; retrying in ${Math.ceil(seconds)} s`, 'off')
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
    }
  }
  void run()
}

// ─── Shared lookups ──────────────────────────────────────────────────────────────────────────

async function loadSettings() {
  const settings = await get('/system/settings')
  if (typeof settings?.timezone === 'string') {
    timeZone = settings.timezone
    formatters.clear()
  }
  return settings
}

/** @param {string} page */
function markReady(page) {
  if (document.body.dataset.ready === page) return
  document.body.dataset.ready = page
  performance.mark(`${page}-filled`)
}

/** @param {string} name */
function queryParam(name) {
  return new URLSearchParams(location.search).get(name) ?? ''
}

/** @param {Record<string, string>} values */
function setQuery(values) {
  const params = new URLSearchParams(location.search)
  for (const [key, value] of Object.entries(values)) {
    if (value) params.set(key, value)
    else params.delete(key)
  }
  const search = params.toString()
  history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`)
}

// ─── Overview ────────────────────────────────────────────────────────────────────────────────

/**
 * @typedef {{
 *   unit: any,
 *   report: any,
 *   context: any,
 *   minerStates: Map<string, any>,
 *   minersReadAt: number,
 *   card: HTMLElement | null,
 * }} UnitView
 */

/** @type {Map<string, UnitView>} */
const unitViews = new Map()
/** @type {Map<string, any>} */
let minersById = new Map()
/** @type {Map<string, string>} */
let policyNames = new Map()

/** @param {any} energy @param {number | null} minerPower */
function energyFlow(energy, minerPower) {
  if (!energy) {
    return h(
      'p',
      { class: 'warning' },
      'No energy reading: the unit decides nothing until there is one.',
    )
  }
  const battery = energy.battery
  const grid = energy.grid
  /** @param {string} kind @param {string} label @param {string} value @param {string} [detail] */
  const tile = (kind, label, value, detail) =>
    h(
      'li',
      { class: `tile tile-${kind}`, dataset: { flow: kind } },
      h('span', { class: 'tile-label' }, label),
      h('span', { class: 'tile-value' }, value),
      detail ? h('span', { class: 'tile-detail' }, detail) : null,
    )
  const batteryPower = battery?.current_power
  const gridPower = grid?.current_power
  return h(
    'ul',
    { class: 'flow', 'aria-label': 'Energy now' },
    tile('solar', 'Solar', formatPower(energy.production)),
    tile('house', 'House', formatPower(energy.consumption?.current_power)),
    battery
      ? tile(
          'battery',
          'Battery',
          isNumber(battery.state_of_charge) ? `${formatNumber(battery.state_of_charge, 0)} %` : '—',
          !isNumber(batteryPower) || Math.abs(batteryPower) < 1
            ? 'idle'
            : batteryPower > 0
              ? `charging ${formatPower(batteryPower)}`
              : `discharging ${formatPower(-batteryPower)}`,
        )
      : null,
    grid
      ? tile(
          'grid',
          'Grid',
          formatPower(isNumber(gridPower) ? Math.abs(gridPower) : null),
          !isNumber(gridPower) || Math.abs(gridPower) < 1
            ? 'balanced'
            : gridPower > 0
              ? 'importing'
              : 'exporting',
        )
      : null,
    tile('miners', 'Miners', formatPower(minerPower)),
  )
}

/** @param {any} performance the context's `mining_performance` @param {any} unit */
function poolSummary(performance, unit) {
  if (!unit.performance_tracker_id)
    return h('p', { class: 'muted' }, 'No pool tracker on this unit.')
  if (!performance) return h('p', { class: 'warning' }, 'The pool could not be read this cycle.')
  const stats = performance.pool_stats
  const progress = performance.payout_progress
  const problems = (performance.errors ?? []).map(
    /** @param {any} error */ (error) =>
      error.code === 'rate_limited'
        ? `${error.part}: pool rate-limited`
        : `${error.part}: ${error.message}`,
  )
  /** @param {string} label @param {Node | string} value */
  const figure = (label, value) =>
    h('div', { class: 'figure' }, h('dt', {}, label), h('dd', {}, value))
  return h(
    'div',
    { class: 'pool-now' },
    h(
      'dl',
      { class: 'figures' },
      figure(
        'Pool hash rate',
        formatHashRate(performance.current_hashrate ?? stats?.current_hashrate),
      ),
      figure('Unpaid', formatSats(stats?.unpaid_balance)),
      figure(
        'Payout progress',
        isNumber(progress)
          ? h(
              'span',
              {},
              h('meter', {
                min: 0,
                max: 1,
                value: Math.min(1, progress),
                'aria-label': 'Payout progress',
              }),
              ` ${formatNumber(progress * 100, 0)} %`,
            )
          : '—',
      ),
      figure(
        'Workers online',
        isNumber(performance.workers_online)
          ? `${performance.workers_online}${isNumber(performance.workers_total) ? ` of ${performance.workers_total}` : ''}`
          : '—',
      ),
    ),
    staleNote(performance.stale, performance.data_age_seconds),
    problems.length > 0 ? h('p', { class: 'warning' }, problems.join('; ')) : null,
  )
}

/** @param {UnitView} view @param {string} minerId */
function minerItem(view, minerId) {
  const miner = minersById.get(minerId)
  const plan = view.report?.miners?.find(/** @param {any} p */ (p) => p.miner_id === minerId)
  const state = view.minerStates.get(minerId)
  const status = state?.status ?? plan?.status ?? null
  const executed = plan?.executed
  return h(
    'li',
    {
      class: 'miner',
      dataset: {
        minerId,
        status: status ?? 'unknown',
        decision: plan?.decision ?? 'none',
        kind: plan?.kind ?? 'none',
      },
    },
    h(
      'div',
      { class: 'miner-head' },
      h('h3', {}, miner?.name ?? plan?.miner_name ?? minerId),
      miner?.active === false
        ? h('span', { class: 'badge status status-off' }, 'Deactivated')
        : statusBadge(status),
    ),
    h(
      'p',
      { class: 'miner-figures' },
      miner?.active === false
        ? 'Not read: the loop leaves a deactivated miner alone'
        : `${formatPower(state?.power_consumption)} · ${formatHashRate(state?.hash_rate)}`,
    ),
    plan
      ? h(
          'div',
          { class: 'miner-decision' },
          h(
            'p',
            {},
            decisionBadge(plan.decision),
            ' ',
            h(
              'span',
              { class: 'kind' },
              KIND_LABEL[/** @type {keyof typeof KIND_LABEL} */ (plan.kind)] ?? plan.kind,
            ),
            executed
              ? h(
                  'span',
                  { class: executed.success ? 'ok' : 'error' },
                  executed.success
                    ? ` — ${plan.action === 'start' ? 'started' : 'stopped'}, now ${(STATUS_LABEL[/** @type {'on'} */ (executed.status_after)] ?? executed.status_after ?? 'unknown').toLowerCase()}`
                    : ` — the ${plan.action} failed: ${executed.error ?? 'unknown error'}`,
                )
              : null,
          ),
          explanation(plan),
          h(
            'a',
            { class: 'more', href: `/decisions?miner=${encodeURIComponent(minerId)}` },
            'Decision log and full trace',
          ),
        )
      : h(
          'p',
          { class: 'muted' },
          view.unit.is_enabled
            ? 'No cycle has decided on it yet.'
            : 'The unit is disabled: the loop leaves it alone.',
        ),
  )
}

/** @param {UnitView} view */
function unitCard(view) {
  const { unit, report, context } = view
  const minerPowers = unit.target_miner_ids
    .map(/** @param {string} id */ (id) => view.minerStates.get(id)?.power_consumption)
    .filter(isNumber)
  const minerPower = minerPowers.length > 0 ? minerPowers.reduce((a, b) => a + b, 0) : null
  const problems = [...(report?.errors ?? []), ...(context?.errors ?? [])]
  const seen = new Set()
  const uniqueProblems = problems.filter((problem) => {
    const key = `${problem.part}:${problem.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  return h(
    'section',
    { class: 'unit', 'aria-labelledby': `unit-${unit.id}`, dataset: { unitId: unit.id } },
    h(
      'header',
      { class: 'unit-head' },
      h('h2', { id: `unit-${unit.id}` }, unit.name),
      h(
        'span',
        { class: `badge ${unit.is_enabled ? 'enabled' : 'disabled'}` },
        unit.is_enabled ? 'enabled' : 'disabled',
      ),
      h(
        'p',
        { class: 'muted' },
        unit.policy_id
          ? `Policy ${policyNames.get(unit.policy_id) ?? unit.policy_id} · `
          : 'No policy · ',
        report ? `last cycle ${formatWhen(report.at)}` : 'no cycle yet',
        context?.context_at ? ` · readings from ${formatWhen(context.context_at)}` : '',
      ),
    ),
    report?.notice ? h('p', { class: 'warning' }, localizeInstants(report.notice.message)) : null,
    uniqueProblems.length > 0
      ? h(
          'ul',
          { class: 'warning problems' },
          uniqueProblems.map((problem) =>
            h('li', {}, `Could not read ${problem.part}: ${problem.message}`),
          ),
        )
      : null,
    h('h3', { class: 'sub' }, 'Energy now'),
    energyFlow(context?.energy_state ?? null, minerPower),
    h('h3', { class: 'sub' }, 'Miners'),
    unit.target_miner_ids.length > 0
      ? h(
          'ul',
          { class: 'miners' },
          unit.target_miner_ids.map(/** @param {string} id */ (id) => minerItem(view, id)),
        )
      : h('p', { class: 'muted' }, 'No miners in this unit.'),
    h('h3', { class: 'sub' }, 'Pool'),
    poolSummary(context?.mining_performance ?? null, unit),
  )
}

/** @param {UnitView} view */
function renderUnit(view) {
  const card = unitCard(view)
  if (view.card?.isConnected) view.card.replaceWith(card)
  else byId('units').append(card)
  view.card = card
}

/** @param {UnitView} view */
async function readMiners(view) {
  view.minersReadAt = Date.now()
  const states = await Promise.all(
    view.unit.target_miner_ids.map(async (/** @type {string} */ id) => {
      if (minersById.get(id)?.active === false) return [id, null]
      try {
        return [id, await get(`/miners/${id}/status`)]
      } catch (error) {
        if (error instanceof TokenRequired) throw error
        return [id, null]
      }
    }),
  )
  view.minerStates = new Map(/** @type {[string, any][]} */ (states))
}

/** @param {UnitView} view @param {{ miners: boolean }} what */
async function refreshUnit(view, what) {
  const id = view.unit.id
  const [report, context] = await Promise.all([
    get(`/optimization-units/${id}/status`),
    get(`/optimization-units/${id}/decisional-context`),
    what.miners ? readMiners(view) : null,
  ])
  view.report = report
  view.context = context
  if (context?.context_at) {
    observeServerTime(Date.parse(context.context_at) + (context.context_age_seconds ?? 0) * 1000)
  }
  renderUnit(view)
}

/** Coalesces bursts of events (one cycle sends several per unit) into one refresh. */
const pending = new Map()
/** @param {string} key @param {() => Promise<unknown>} task @param {number} [ms] */
function soon(key, task, ms = 250) {
  if (pending.has(key)) return
  pending.set(
    key,
    setTimeout(() => {
      pending.delete(key)
      task().catch(showPageError)
    }, ms),
  )
}

async function loadOverview() {
  const container = byId('units')
  setBusy(container, true)
  const [, units, miners] = await Promise.all([
    loadSettings(),
    get('/optimization-units'),
    get('/miners'),
  ])
  minersById = new Map(miners.map(/** @param {any} miner */ (miner) => [miner.id, miner]))
  const policyIds = [
    ...new Set(units.map(/** @param {any} unit */ (unit) => unit.policy_id).filter(Boolean)),
  ]
  const policies = await Promise.all(
    policyIds.map((id) =>
      get(`/policies/${id}`).catch((error) => {
        if (error instanceof TokenRequired) throw error
        return null
      }),
    ),
  )
  policyNames = new Map(policies.filter(Boolean).map((policy) => [policy.id, policy.name]))
  unitViews.clear()
  container.replaceChildren()
  if (units.length === 0) {
    container.append(
      h(
        'p',
        {},
        'No optimization units yet. Create one through the API (see ',
        h('a', { href: '/docs' }, '/docs'),
        ').',
      ),
    )
  }
  // Enabled units first: they are the ones doing something.
  const ordered = [...units].sort((a, b) => Number(b.is_enabled) - Number(a.is_enabled))
  for (const unit of ordered) {
    unitViews.set(unit.id, {
      unit,
      report: null,
      context: null,
      minerStates: new Map(),
      minersReadAt: 0,
      card: null,
    })
  }
  await Promise.all([...unitViews.values()].map((view) => refreshUnit(view, { miners: true })))
  setBusy(container, false)
  markReady('overview')
}

/** @param {string} unitId */
function refreshSoon(unitId, readMinersNow = false) {
  const view = unitViews.get(unitId)
  if (!view) return
  const miners = readMinersNow || Date.now() - view.minersReadAt > MINER_READ_INTERVAL_MS
  soon(`unit:${unitId}:${miners}`, () => refreshUnit(view, { miners }))
}

function startOverview() {
  followEvents(
    'energy.state,policy.context,rule.engaged,miner.state,config.updated',
    (topic, payload) => {
      if (topic === 'policy.context') {
        const view = unitViews.get(payload.optimization_unit_id)
        if (view && payload.context) {
          view.context = { ...view.context, ...payload.context }
          renderUnit(view)
        }
      } else if (topic === 'energy.state') {
        const view = unitViews.get(payload.optimization_unit_id)
        if (view?.context && payload.energy_state_snapshot) {
          view.context = { ...view.context, energy_state: payload.energy_state_snapshot }
          renderUnit(view)
        }
      } else if (topic === 'rule.engaged') {
        refreshSoon(payload.optimization_unit_id)
      } else if (topic === 'miner.state') {
        for (const view of unitViews.values()) {
          if (view.unit.target_miner_ids.includes(payload.miner_id)) refreshSoon(view.unit.id, true)
        }
      } else if (topic === 'config.updated') {
        soon('overview', loadOverview, 1000)
      }
    },
    () => soon('overview', loadOverview),
  )
  return loadOverview()
}

// ─── Charts ──────────────────────────────────────────────────────────────────────────────────

const RANGES = {
  '24h': { seconds: 86_400, step: 300 },
  '7d': { seconds: 7 * 86_400, step: 1800 },
}
const PALETTE = [
  '#e6a700',
  '#3b82f6',
  '#8b5cf6',
  '#10b981',
  '#ef4444',
  '#0ea5e9',
  '#f97316',
  '#64748b',
]
const MARK_COLOR = { start: '#16a34a', stop: '#dc2626' }

/** @type {{ destroy(): void, setSize(size: { width: number, height: number }): void }[]} */
let plots = []
/** @type {ResizeObserver | null} */
let resizer = null

/**
 * Joins series of `[iso, value]` points on one time axis (seconds), gaps as null.
 * @param {{ points: [string, number][] }[]} series
 * @returns {[number[], ...(number | null)[][]]}
 */
function alignSeries(series) {
  const times = new Set()
  const maps = series.map((one) => {
    const map = new Map()
    for (const [at, value] of one.points) {
      const t = Date.parse(at) / 1000
      times.add(t)
      map.set(t, value)
    }
    return map
  })
  const x = [...times].sort((a, b) => a - b)
  return [x, ...maps.map((map) => x.map((t) => (map.has(t) ? map.get(t) : null)))]
}

/**
 * Draws the start/stop markers on a chart's time axis (a uPlot plugin).
 * @param {{ t: number, action: 'start' | 'stop' }[]} marks
 */
function markersPlugin(marks) {
  return {
    hooks: {
      /** @param {any} u */
      draw: [
        (u) => {
          const { ctx, bbox } = u
          ctx.save()
          for (const mark of marks) {
            const x = Math.round(u.valToPos(mark.t, 'x', true))
            if (x < bbox.left || x > bbox.left + bbox.width) continue
            ctx.strokeStyle = MARK_COLOR[mark.action]
            ctx.fillStyle = MARK_COLOR[mark.action]
            ctx.lineWidth = devicePixelRatio
            ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio])
            ctx.beginPath()
            ctx.moveTo(x, bbox.top)
            ctx.lineTo(x, bbox.top + bbox.height)
            ctx.stroke()
            // A triangle on the top edge: up for a start, down for a stop.
            const size = 5 * devicePixelRatio
            const tip = mark.action === 'start' ? bbox.top : bbox.top + size * 1.6
            const base = mark.action === 'start' ? bbox.top + size * 1.6 : bbox.top
            ctx.setLineDash([])
            ctx.beginPath()
            ctx.moveTo(x, tip)
            ctx.lineTo(x - size, base)
            ctx.lineTo(x + size, base)
            ctx.closePath()
            ctx.fill()
          }
          ctx.restore()
        },
      ],
    },
  }
}

/**
 * One chart: a figure with its title, a uPlot canvas, and `data-points` counting each series'
 * points (what the page drew, for tests and for the "no data" note).
 * @param {HTMLElement} container
 * @param {{ title: string, unit: string, format: (value: number) => string, series: { label: string, points: [string, number][] }[], marks: { t: number, action: 'start' | 'stop' }[], range?: [number, number] }} chart
 * @param {[number, number]} span the time axis, seconds
 */
function drawChart(container, chart, span) {
  const counts = Object.fromEntries(chart.series.map((one) => [one.label, one.points.length]))
  const figure = h(
    'figure',
    {
      class: 'chart',
      dataset: { points: JSON.stringify(counts), marks: String(chart.marks.length) },
    },
    h('figcaption', {}, `${chart.title} (${chart.unit})`),
  )
  container.append(figure)
  const total = chart.series.reduce((sum, one) => sum + one.points.length, 0)
  if (total === 0) {
    figure.append(h('p', { class: 'muted' }, 'No readings in this range yet.'))
    return
  }
  const style = getComputedStyle(document.documentElement)
  const ink = style.getPropertyValue('--muted').trim() || '#666'
  const grid = style.getPropertyValue('--line').trim() || '#ddd'
  /** @type {any} */
  const uPlot = /** @type {any} */ (globalThis).uPlot
  const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } }
  const plot = new uPlot(
    {
      width: Math.max(280, figure.clientWidth),
      height: 220,
      tzDate: timeZone
        ? (/** @type {number} */ ts) => uPlot.tzDate(new Date(ts * 1000), timeZone)
        : undefined,
      scales: {
        x: { time: true, min: span[0], max: span[1] },
        y: chart.range ? { range: chart.range } : {},
      },
      series: [
        {},
        ...chart.series.map((one, index) => ({
          label: one.label,
          stroke: PALETTE[index % PALETTE.length],
          width: 1.5,
          points: { show: false },
          value: (/** @type {unknown} */ _u, /** @type {number | null} */ value) =>
            value === null ? '—' : chart.format(value),
        })),
      ],
      axes: [
        {
          ...axis,
          values: (/** @type {unknown} */ _u, /** @type {number[]} */ ticks) => ticks.map(timeTick),
        },
        {
          ...axis,
          size: 76,
          values: (/** @type {unknown} */ _u, /** @type {number[]} */ ticks) =>
            ticks.map(chart.format),
        },
      ],
      plugins: [markersPlugin(chart.marks)],
    },
    alignSeries(chart.series),
    figure,
  )
  plots.push(plot)
}

/** @param {string} unitId @param {string} sinceIso */
async function loadMarks(unitId, sinceIso) {
  /** @type {{ t: number, action: 'start' | 'stop' }[]} */
  const marks = []
  let before = ''
  // Starts and stops are a small part of the log; five pages of 1000 cover a busy week.
  for (let page = 0; page < 5; page++) {
    const answer = await get(
      `/decisions?unit_id=${unitId}&since=${encodeURIComponent(sinceIso)}&limit=1000${before}`,
    )
    for (const entry of answer.decisions) {
      if (
        entry.kind === 'action' &&
        entry.outcome === 'executed' &&
        (entry.action === 'start' || entry.action === 'stop')
      ) {
        marks.push({ t: Date.parse(entry.at) / 1000, action: entry.action })
      }
    }
    if (answer.next_before_id === null) break
    before = `&before_id=${answer.next_before_id}`
  }
  return marks
}

/** Which drawing is the latest: a slower, older one must not draw over it. */
let chartsDrawn = 0

/** @param {any} unit @param {Map<string, any>} miners @param {'24h' | '7d'} rangeName */
async function drawCharts(unit, miners, rangeName) {
  const ticket = ++chartsDrawn
  const container = byId('charts')
  setBusy(container, true)
  const range = RANGES[rangeName]
  const to = serverNow()
  const from = to - range.seconds * 1000
  const fromIso = new Date(from).toISOString()
  const minerIds = /** @type {string[]} */ (unit.target_miner_ids)
  const nameOf = (/** @type {string} */ id) => miners.get(id)?.name ?? id.slice(0, 8)
  const names = [
    ...['production', 'consumption', 'grid_power', 'battery_soc'].map(
      (name) => `unit:${unit.id}:${name}`,
    ),
    ...minerIds.flatMap((id) => [`miner:${id}:power`, `miner:${id}:hashrate`]),
    ...(unit.performance_tracker_id ? [`tracker:${unit.performance_tracker_id}:hashrate`] : []),
  ]
  const [history, marks] = await Promise.all([
    get(
      `/history?series=${encodeURIComponent(names.join(','))}&from=${encodeURIComponent(fromIso)}&to=${encodeURIComponent(new Date(to).toISOString())}&step=${range.step}`,
    ),
    loadMarks(unit.id, fromIso),
  ])
  /** @type {Map<string, [string, number][]>} */
  const points = new Map(
    history.series.map(/** @param {any} one */ (one) => [one.series, one.points]),
  )
  const series = (/** @type {string} */ name, /** @type {string} */ label) => ({
    label,
    points: points.get(name) ?? [],
  })
  if (ticket !== chartsDrawn) return
  const span = /** @type {[number, number]} */ ([from / 1000, to / 1000])
  for (const plot of plots) plot.destroy()
  plots = []
  container.replaceChildren()
  drawChart(
    container,
    {
      title: 'Energy',
      unit: 'W',
      format: formatPower,
      series: [
        series(`unit:${unit.id}:production`, 'Solar production'),
        series(`unit:${unit.id}:consumption`, 'House consumption'),
        series(`unit:${unit.id}:grid_power`, 'Grid (+ import, − export)'),
      ],
      marks,
    },
    span,
  )
  drawChart(
    container,
    {
      title: 'Battery charge',
      unit: '%',
      format: (value) => `${formatNumber(value, 0)} %`,
      series: [series(`unit:${unit.id}:battery_soc`, 'Battery charge')],
      marks,
      range: [0, 100],
    },
    span,
  )
  drawChart(
    container,
    {
      title: 'Miner power',
      unit: 'W',
      format: formatPower,
      series: minerIds.map((id) => series(`miner:${id}:power`, nameOf(id))),
      marks,
    },
    span,
  )
  drawChart(
    container,
    {
      title: 'Hash rate: pool vs miners',
      unit: 'TH/s',
      format: formatHashRate,
      series: [
        ...(unit.performance_tracker_id
          ? [series(`tracker:${unit.performance_tracker_id}:hashrate`, 'Pool sees')]
          : []),
        ...minerIds.map((id) => series(`miner:${id}:hashrate`, nameOf(id))),
      ],
      marks,
    },
    span,
  )
  setBusy(container, false)
}

async function startCharts() {
  const [, units, minerList] = await Promise.all([
    loadSettings(),
    get('/optimization-units'),
    get('/miners'),
  ])
  const miners = new Map(minerList.map(/** @param {any} miner */ (miner) => [miner.id, miner]))
  const select = /** @type {HTMLSelectElement} */ (byId('chart-unit'))
  const form = /** @type {HTMLFormElement} */ (byId('chart-controls'))
  select.replaceChildren(
    ...units.map(/** @param {any} unit */ (unit) => h('option', { value: unit.id }, unit.name)),
  )
  const chartsBox = byId('charts')
  if (units.length === 0) {
    chartsBox.replaceChildren(h('p', {}, 'No optimization units yet: nothing to chart.'))
    setBusy(chartsBox, false)
    markReady('charts')
    return
  }
  const wanted = units.find(/** @param {any} unit */ (unit) => unit.id === queryParam('unit'))
  select.value = (
    wanted ??
    units.find(/** @param {any} unit */ (unit) => unit.is_enabled) ??
    units[0]
  ).id
  const rangeName = queryParam('range') === '7d' ? '7d' : '24h'
  const radio = /** @type {HTMLInputElement | null} */ (
    form.querySelector(`input[name="range"][value="${rangeName}"]`)
  )
  if (radio) radio.checked = true
  const redraw = async () => {
    const data = new FormData(form)
    const range = data.get('range') === '7d' ? '7d' : '24h'
    setQuery({ unit: select.value, range: range === '24h' ? '' : range })
    const unit = units.find(
      /** @param {any} candidate */ (candidate) => candidate.id === select.value,
    )
    await drawCharts(unit, miners, range)
    markReady('charts')
  }
  form.addEventListener('change', () => void redraw().catch(showPageError))
  resizer = new ResizeObserver(() => {
    for (const plot of plots) {
      const figure = /** @type {any} */ (plot).root?.parentElement
      if (figure) plot.setSize({ width: Math.max(280, figure.clientWidth), height: 220 })
    }
  })
  resizer.observe(chartsBox)
  await redraw()
}

// ─── Decision log ────────────────────────────────────────────────────────────────────────────

/**
 * The explain trace as nested lists: each rule with its status, each group with its result,
 * each leaf as a sentence with ✓ / ✗ / ?.
 * @param {any} node
 * @returns {HTMLElement}
 */
function traceNode(node) {
  const mark = (/** @type {string | null} */ result) =>
    h(
      'span',
      { class: 'mark', 'aria-hidden': 'true' },
      TRUTH_MARK[/** @type {'true'} */ (result)] ?? '·',
    )
  switch (node.kind) {
    case 'rule': {
      const status = RULE_STATUS_LABEL[/** @type {'fired'} */ (node.status)] ?? node.status
      const wait = node.hold
        ? ` — true for ${formatDuration(node.hold.elapsed_seconds)} of ${formatDuration(node.hold.for_seconds)}`
        : ''
      return h(
        'li',
        { class: `trace-rule rule-${node.status}`, dataset: { result: node.result ?? 'none' } },
        h('span', { class: `badge rule-status rule-status-${node.status}` }, status),
        ` ${node.rule_type} rule “${node.rule.name}” (priority ${node.rule.priority})${wait}`,
        node.condition ? h('ul', {}, traceNode(node.condition)) : null,
      )
    }
    case 'all_of':
    case 'any_of':
      return h(
        'li',
        { class: 'trace-group', dataset: { result: node.result } },
        mark(node.result),
        ` ${node.kind === 'all_of' ? 'all of' : 'any of'} → ${node.result}`,
        h('ul', {}, node.children.map(traceNode)),
      )
    case 'not_':
      return h(
        'li',
        { class: 'trace-group', dataset: { result: node.result } },
        mark(node.result),
        ` not → ${node.result}`,
        h('ul', {}, traceNode(node.child)),
      )
    default:
      return h(
        'li',
        { class: 'trace-leaf', dataset: { result: node.result } },
        mark(node.result),
        ` ${leafSentence(node)} `,
        h('code', {}, node.field),
      )
  }
}

const OUTCOME_LABEL = {
  executed: 'done',
  failed: 'failed',
  held: 'held',
  skipped: 'skipped',
  decided: 'decided',
}

/** @param {any} entry */
function decisionEntry(entry) {
  const who = [entry.unit_name, entry.miner_name].filter(Boolean).join(' · ') || 'Site'
  const change =
    entry.status_before && entry.status_after && entry.status_before !== entry.status_after
      ? `${STATUS_LABEL[/** @type {'on'} */ (entry.status_before)] ?? entry.status_before} → ${STATUS_LABEL[/** @type {'on'} */ (entry.status_after)] ?? entry.status_after}`
      : null
  const outcome =
    OUTCOME_LABEL[/** @type {'executed'} */ (entry.outcome)] ?? entry.outcome.replaceAll('_', ' ')
  const trace = entry.trace ?? []
  return h(
    'li',
    { class: `entry kind-${entry.kind}`, dataset: { id: String(entry.id), kind: entry.kind } },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('time', { datetime: entry.at }, formatFull(entry.at)),
        h('span', { class: 'who' }, who),
        entry.decision
          ? decisionBadge(entry.decision)
          : h('span', { class: 'badge notice' }, 'notice'),
        h(
          'span',
          { class: `outcome outcome-${entry.outcome}` },
          change ? `${outcome}: ${change}` : outcome,
        ),
        h('span', { class: 'summary-reason' }, localizeInstants(plainReason(entry))),
      ),
      h(
        'div',
        { class: 'entry-detail' },
        explanation(entry, { sentence: false }),
        entry.policy_name ? h('p', { class: 'muted' }, `Policy: ${entry.policy_name}`) : null,
        h('h3', { class: 'sub' }, 'Explain trace'),
        trace.length > 0
          ? h('ul', { class: 'trace' }, trace.map(traceNode))
          : h('p', { class: 'muted' }, 'No rules were evaluated for this entry.'),
      ),
    ),
  )
}

async function startDecisions() {
  const [, units, miners] = await Promise.all([
    loadSettings(),
    get('/optimization-units'),
    get('/miners'),
  ])
  const unitSelect = /** @type {HTMLSelectElement} */ (byId('filter-unit'))
  const minerSelect = /** @type {HTMLSelectElement} */ (byId('filter-miner'))
  const list = byId('decision-list')
  const older = /** @type {HTMLButtonElement} */ (byId('older'))
  unitSelect.replaceChildren(
    h('option', { value: '' }, 'All units'),
    ...units.map(/** @param {any} unit */ (unit) => h('option', { value: unit.id }, unit.name)),
  )
  const fillMiners = () => {
    const unit = units.find(
      /** @param {any} candidate */ (candidate) => candidate.id === unitSelect.value,
    )
    const shown = unit
      ? miners.filter(/** @param {any} miner */ (miner) => unit.target_miner_ids.includes(miner.id))
      : miners
    const keep = minerSelect.value
    minerSelect.replaceChildren(
      h('option', { value: '' }, 'All miners'),
      ...shown.map(
        /** @param {any} miner */ (miner) => h('option', { value: miner.id }, miner.name),
      ),
    )
    minerSelect.value = shown.some(/** @param {any} miner */ (miner) => miner.id === keep)
      ? keep
      : ''
  }
  unitSelect.value = units.some(/** @param {any} unit */ (unit) => unit.id === queryParam('unit'))
    ? queryParam('unit')
    : ''
  fillMiners()
  minerSelect.value = miners.some(
    /** @param {any} miner */ (miner) => miner.id === queryParam('miner'),
  )
    ? queryParam('miner')
    : ''

  /** @type {number | null} */
  let nextBefore = null
  /** Which request is the latest: an older, slower answer must not be shown over it. */
  let asked = 0
  const load = async (/** @type {boolean} */ more) => {
    const ticket = ++asked
    setBusy(list, true)
    const params = new URLSearchParams({ limit: '50' })
    if (unitSelect.value) params.set('unit_id', unitSelect.value)
    if (minerSelect.value) params.set('miner_id', minerSelect.value)
    if (more && nextBefore !== null) params.set('before_id', String(nextBefore))
    const answer = await get(`/decisions?${params}`)
    if (ticket !== asked) return
    if (!more) list.replaceChildren()
    list.append(...answer.decisions.map(decisionEntry))
    if (!more && answer.decisions.length === 0) {
      list.append(h('li', { class: 'muted' }, 'Nothing logged for this filter yet.'))
    }
    nextBefore = answer.next_before_id
    older.hidden = nextBefore === null
    setBusy(list, false)
  }
  const filter = () => {
    setQuery({ unit: unitSelect.value, miner: minerSelect.value })
    return load(false)
  }
  unitSelect.addEventListener('change', () => {
    fillMiners()
    void filter().catch(showPageError)
  })
  minerSelect.addEventListener('change', () => void filter().catch(showPageError))
  older.addEventListener('click', () => void load(true).catch(showPageError))
  await load(false)
  markReady('decisions')
}

// ─── Pool ────────────────────────────────────────────────────────────────────────────────────

/**
 * One live tracker call: the body and how fresh it is, or the failure in words.
 * @param {string} path
 */
async function poolPart(path) {
  try {
    const { body, headers } = await request(path)
    const age = headers.get('x-edge-mining-data-age')
    return {
      body,
      stale: headers.get('x-edge-mining-stale') === 'true',
      ageSeconds: age === null ? null : Number(age),
      failure: null,
      retryAfter: null,
    }
  } catch (error) {
    if (error instanceof TokenRequired) throw error
    const retry =
      error instanceof ApiFailure ? Number(error.headers.get('retry-after')) : Number.NaN
    return {
      body: null,
      stale: false,
      ageSeconds: null,
      failure: messageOf(error),
      retryAfter: retry > 0 ? retry : null,
    }
  }
}

/**
 * A part of a tracker's section: its heading, a stale or failure note, and the content.
 * @param {string} title @param {Awaited<ReturnType<typeof poolPart>>} part @param {(body: any) => Node} render
 */
function poolSection(title, part, render) {
  return h(
    'section',
    {
      class: 'part',
      dataset: {
        part: title.toLowerCase().replaceAll(' ', '-'),
        stale: String(part.stale),
        failed: String(part.failure !== null),
      },
    },
    h('h3', {}, title, ' ', staleNote(part.stale, part.ageSeconds)),
    part.failure !== null ? h('p', { class: 'warning' }, part.failure) : render(part.body),
  )
}

/** @param {string[]} headings @param {(Node | string)[][]} rows */
function table(headings, rows) {
  return h(
    'div',
    { class: 'table' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headings.map((heading) => h('th', { scope: 'col' }, heading)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((cell) => h('td', {}, cell)),
          ),
        ),
      ),
    ),
  )
}

/** @param {any} tracker */
async function trackerSection(tracker) {
  const base = `/mining-performance-trackers/${tracker.id}`
  const [stats, workers, rewards, schedule] = await Promise.all([
    poolPart(`${base}/stats`),
    poolPart(`${base}/workers`),
    poolPart(`${base}/rewards?limit=10`),
    poolPart(`${base}/payout-schedule`),
  ])
  /** @param {[string, Node | string][]} rows */
  const list = (rows) =>
    h(
      'dl',
      { class: 'figures' },
      rows.map(([term, value]) =>
        h('div', { class: 'figure' }, h('dt', {}, term), h('dd', {}, value)),
      ),
    )
  const section = h(
    'section',
    {
      class: 'tracker',
      'aria-labelledby': `tracker-${tracker.id}`,
      dataset: { trackerId: tracker.id },
    },
    h(
      'h2',
      { id: `tracker-${tracker.id}` },
      tracker.name,
      ' ',
      h('small', { class: 'muted' }, tracker.adapter_type),
    ),
    poolSection('Statistics', stats, (body) =>
      list([
        ['Hash rate now', formatHashRate(body.current_hashrate)],
        ['24 h average', formatHashRate(body.average_hashrate_24h)],
        ['7 day average', formatHashRate(body.average_hashrate_7d)],
        ['Unpaid', formatSats(body.unpaid_balance)],
        ['Next payout (estimate)', formatSats(body.estimated_next_payout)],
        [
          'Last share',
          body.last_share_at
            ? `${formatWhen(body.last_share_at)} (${formatAgo(body.last_share_at)})`
            : '—',
        ],
        ['Read at', formatWhen(body.timestamp)],
      ]),
    ),
    poolSection('Workers', workers, (body) =>
      body.length === 0
        ? h('p', { class: 'muted' }, 'The pool lists no workers.')
        : table(
            ['Worker', 'State', 'Hash rate', 'Last share'],
            body.map(
              /** @param {any} worker */ (worker) => [
                worker.worker_name,
                worker.state ?? '—',
                formatHashRate(worker.hashrate),
                worker.last_share_at
                  ? `${formatWhen(worker.last_share_at)} (${formatAgo(worker.last_share_at)})`
                  : '—',
              ],
            ),
          ),
    ),
    poolSection('Recent rewards', rewards, (body) =>
      body.length === 0
        ? h('p', { class: 'muted' }, 'No rewards yet.')
        : table(
            ['When', 'Amount'],
            body.map(
              /** @param {any} reward */ (reward) => [
                formatWhen(reward.timestamp),
                formatSats(reward.amount),
              ],
            ),
          ),
    ),
    poolSection('Payout schedule', schedule, (body) => {
      const unpaid = stats.body?.unpaid_balance
      const progress =
        isNumber(unpaid) && isNumber(body.threshold) && body.threshold > 0
          ? unpaid / body.threshold
          : null
      return list([
        ['Frequency', String(body.frequency).replaceAll('_', ' ')],
        ['Threshold', formatSats(body.threshold)],
        ['Next payout', body.next_payout_at ? formatFull(body.next_payout_at) : '—'],
        [
          'Progress',
          progress === null
            ? '—'
            : h(
                'span',
                {},
                h('meter', {
                  min: 0,
                  max: 1,
                  value: Math.min(1, progress),
                  'aria-label': 'Payout progress',
                }),
                ` ${formatNumber(progress * 100, 0)} %`,
              ),
        ],
      ])
    }),
  )
  const retry = Math.max(...[stats, workers, rewards, schedule].map((part) => part.retryAfter ?? 0))
  return { section, retryAfterSeconds: retry > 0 ? retry : null }
}

/** @param {any} tracker @param {HTMLElement | null} previous */
async function showTracker(tracker, previous) {
  const { section, retryAfterSeconds } = await trackerSection(tracker)
  if (previous?.isConnected) previous.replaceWith(section)
  else byId('trackers').append(section)
  // A rate-limited pool says when to ask again: ask then, not before.
  if (retryAfterSeconds !== null) {
    setTimeout(
      () => void showTracker(tracker, section).catch(showPageError),
      (retryAfterSeconds + 1) * 1000,
    )
  }
}

async function startPool() {
  const [, trackers] = await Promise.all([loadSettings(), get('/mining-performance-trackers')])
  const container = byId('trackers')
  container.replaceChildren()
  if (trackers.length === 0) container.append(h('p', {}, 'No pool trackers yet.'))
  for (const tracker of trackers) await showTracker(tracker, null)
  setBusy(container, false)
  markReady('pool')
}

// ─── Start ───────────────────────────────────────────────────────────────────────────────────

const STARTERS = {
  overview: startOverview,
  charts: startCharts,
  decisions: startDecisions,
  pool: startPool,
}

async function boot() {
  byId('page-error').hidden = true
  const start = STARTERS[/** @type {keyof typeof STARTERS} */ (document.body.dataset.page)]
  try {
    await start?.()
  } catch (error) {
    showPageError(error)
  }
}

void boot()
