import type { Router } from 'hono/router'
import { TrieRouter } from 'hono/router/trie-router'

type Match<T> = ReturnType<Router<T>['match']>

export interface MemoRouterOptions {
  /** How many paths are remembered; past that the memo starts again empty. Default 1000. */
  size?: number
  /** Longer paths are searched each time, so a scanner's long URLs cannot fill memory. Default 256. */
  maxPathLength?: number
}

/**
 * Hono's trie router, remembering its answers. Hono's RegExpRouter, which answers in one
 * expression, refuses our routes (a static `/types` beside `/:id/…`), and the trie's search
 * through 450 handlers costs 0.3–2.3 µs a request, for the same few paths asked again and again
 * (the dashboard polls, Prometheus scrapes). An answer never changes once the routes are
 * added (any `add` empties the memo), and Hono only reads it.
 */
export function createMemoRouter<T>(options: MemoRouterOptions = {}): Router<T> {
  const size = options.size ?? 1000
  const maxPathLength = options.maxPathLength ?? 256
  const router = new TrieRouter<T>()
  const memo = new Map<string, Map<string, Match<T>>>()
  let remembered = 0
  return {
    name: 'MemoRouter',
    add(method, path, handler) {
      memo.clear()
      remembered = 0
      router.add(method, path, handler)
    },
    match(method, path) {
      if (path.length > maxPathLength) return router.match(method, path)
      let byPath = memo.get(method)
      const known = byPath?.get(path)
      if (known) return known
      const found = router.match(method, path)
      if (remembered >= size) {
        memo.clear()
        remembered = 0
        byPath = undefined
      }
      if (!byPath) {
        byPath = new Map()
        memo.set(method, byPath)
      }
      byPath.set(path, found)
      remembered += 1
      return found
    },
  }
}
