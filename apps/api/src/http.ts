import { describeValue } from '@edge-mining/domain'
import type { HttpBindings } from '@hono/node-server'
import type { Context, MiddlewareHandler, ValidationTargets } from 'hono'
import { type DescribeRouteOptions, validator as openApiValidator, resolver } from 'hono-openapi'
import type * as v from 'valibot'
import { ErrorSchema } from './schemas'

/**
 * What the app's fetch boundary keeps of one request while the routes run (see `createApp`):
 * the secret values (tokens, passwords) of the entities served, scrubbed from any error text,
 * log line or JSON answer, and the route that answered.
 */
export interface RequestTrace {
  secrets: string[]
  /** The pattern of the route that answered (`/api/v1/miners/:id`); none when no route matched. */
  route?: string
}

/** The bindings every route sees: the request's trace, beside node-server's `incoming`/`outgoing`. */
export interface ApiEnv {
  Bindings: Partial<HttpBindings> & { trace: RequestTrace }
}

/** An error that already knows its HTTP answer: status, `{"detail"}` and extra headers. */
export class ApiError extends Error {
  readonly status: number
  readonly headers: Record<string, string>

  constructor(status: number, detail: string, headers: Record<string, string> = {}) {
    super(detail)
    this.name = 'ApiError'
    this.status = status
    this.headers = headers
  }
}

const TARGET_LABEL: Partial<Record<keyof ValidationTargets, string>> = {
  json: 'body',
  param: 'path',
  query: 'query',
}

/** A Standard Schema issue, as the validator hands it over. */
interface SchemaIssue {
  readonly message: string
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
}

/** `body.config.api_token: expected a string, got 5` — names the field and the value. */
export function describeIssue(target: string, issue: SchemaIssue): string {
  const keys = (issue.path ?? []).map((segment) =>
    String(typeof segment === 'object' ? segment.key : segment),
  )
  const where = [target, ...keys].join('.')
  const input = (issue as { input?: unknown }).input
  const received = 'input' in issue ? `, got ${describeValue(input)}` : ''
  const message = issue.message.replace(/^Invalid (type|key): /, '')
  return `${where}: ${message}${received}`
}

/**
 * Validates a request part with a valibot schema and documents it in the OpenAPI document. A
 * failure answers 422 `{"detail": "<part>.<field>: <what was expected>, got <value>"}`.
 */
export function validate<
  const TSchema extends v.GenericSchema,
  Target extends keyof ValidationTargets,
>(target: Target, schema: TSchema) {
  return openApiValidator(target, schema, (result) => {
    if (result.success) return
    const [issue] = result.error
    const label = TARGET_LABEL[target] ?? target
    throw new ApiError(422, issue ? describeIssue(label, issue) : `${label}: invalid`)
  })
}

/**
 * Request bodies must be JSON of the expected shape: a body with another content type is
 * answered 415 instead of being silently read as `{}`, malformed JSON 400, and JSON of the
 * wrong shape (an array where an object is expected, or the reverse) 422. No body passes,
 * unless `required` (a route that replaces a list must not read a forgotten body as `[]`).
 */
export function jsonBody(
  shape: 'object' | 'array' = 'object',
  options: { required?: boolean } = {},
): MiddlewareHandler {
  const expected = shape === 'array' ? 'a JSON list' : 'a JSON object'
  return async (c, next) => {
    const hasBody = c.req.raw.body !== null && c.req.header('content-length') !== '0'
    if (!hasBody && options.required) {
      throw new ApiError(422, `body: expected ${expected}, got no body`)
    }
    if (hasBody) {
      const contentType = c.req.header('content-type')
      if (!(contentType && /^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType))) {
        throw new ApiError(415, 'Content-Type: expected application/json')
      }
      let body: unknown
      try {
        body = await c.req.json()
      } catch {
        throw new ApiError(400, 'Malformed JSON in request body')
      }
      const isArray = Array.isArray(body)
      const isObject = typeof body === 'object' && body !== null && !isArray
      if (shape === 'object' && !isObject) {
        throw new ApiError(422, `body: expected a JSON object, got ${describeValue(body)}`)
      }
      if (shape === 'array' && !isArray) {
        throw new ApiError(422, `body: expected a JSON list, got ${describeValue(body)}`)
      }
    }
    await next()
  }
}

export const requireJsonBody = jsonBody('object')

/** The JSON body (already checked by `jsonBody`), or `fallback` when the request had none. */
export async function bodyOf<T = Record<string, unknown>>(c: Context, fallback: T): Promise<T> {
  const hasBody = c.req.raw.body !== null && c.req.header('content-length') !== '0'
  return hasBody ? ((await c.req.json()) as T) : fallback
}

/** OpenAPI response entries: JSON bodies described by valibot schemas. */
/** One entry of an OpenAPI `responses` map. */
export type ResponseSpec = NonNullable<DescribeRouteOptions['responses']>[string]

export function jsonResponse(description: string, schema: v.GenericSchema): ResponseSpec {
  return { description, content: { 'application/json': { schema: resolver(schema) } } }
}

export function errorResponses(statuses: Record<number, string>): Record<string, ResponseSpec> {
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [
      status,
      jsonResponse(description, ErrorSchema),
    ]),
  )
}

export function secretsOf(c: Context<ApiEnv>): readonly string[] {
  return c.env.trace.secrets
}

/** Replaces every known secret in `text` (and anything after `Bearer `) with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/\b(Bearer|Token|token)(\s*[:=]?\s+)[^\s,;"']+/g, '$1$2***')
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***')
  }
  return out
}

/**
 * Replaces each known secret in a response body with `***`, as written and as JSON escapes it;
 * nothing else (no pattern guessing: a success body is data, not an error text).
 */
export function scrubSecretValues(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length < 4) continue
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      out = out.split(form).join('***')
    }
  }
  return out
}

/** An OpenAPI request body: JSON described by a valibot schema. */
export function jsonRequest(
  schema: v.GenericSchema,
  required = true,
): NonNullable<DescribeRouteOptions['requestBody']> {
  return { required, content: { 'application/json': { schema: resolver(schema) } } }
}

/** Remembers the secrets of the entity being served so no error text can echo them. */
export function rememberSecrets(c: Context<ApiEnv>, secrets: readonly string[]): void {
  c.env.trace.secrets.push(...secrets)
}
