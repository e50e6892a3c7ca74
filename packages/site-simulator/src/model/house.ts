import type { LocalTime } from './local-time.ts'
import { channel, randomAt, valueNoise } from './random.ts'

/** The house without the miners: a base load with a daily pattern, noise and appliances. */
export interface HouseOptions {
  /** W the house draws at a profile factor of 1. */
  baseW: number
  /** 24 factors of `baseW`, one per local hour (interpolated between hour centres). */
  profile: readonly number[]
  /** ± share of slow noise around the pattern (0–1). */
  noise: number
  /** Whether kettles, ovens and washing machines switch on now and then. */
  appliances: boolean
  seed: number
}

/**
 * A typical household day: low at night, breakfast, a lunch bump, the evening peak. Factors of
 * `baseW`; with the default 300 W the day uses about 10 kWh, appliances aside.
 */
export const DEFAULT_HOUSE_PROFILE: readonly number[] = [
  0.8, 0.75, 0.7, 0.7, 0.7, 0.8, 1.1, 1.8, 2.0, 1.4, 1.2, 1.3, 1.7, 1.6, 1.2, 1.1, 1.2, 1.5, 2.2,
  2.6, 2.4, 2.0, 1.5, 1.0,
]

/** Appliance events are drawn per 20-minute slot. */
const APPLIANCE_SLOT_MS = 20 * 60_000
const NOISE_KNOT_MS = 60_000

/** How likely a slot starts an appliance at a local hour (more at meal times, none at night). */
function applianceChance(hour: number): number {
  if (hour < 6 || hour >= 23) return 0
  if ((hour >= 7 && hour < 9) || (hour >= 12 && hour < 14) || (hour >= 18 && hour < 21)) return 0.3
  return 0.12
}

/** W of the appliance running at an instant, if any (at most one per slot). */
function appliancePower(options: HouseOptions, at: number, local: (ms: number) => LocalTime) {
  const seed = channel(options.seed, 'appliances')
  let power = 0
  // An appliance that started in this or one of the two slots before may still be running.
  const slot = Math.floor(at / APPLIANCE_SLOT_MS)
  for (let start = slot - 2; start <= slot; start += 1) {
    const slotStart = start * APPLIANCE_SLOT_MS
    if (randomAt(seed, start * 4) >= applianceChance(local(slotStart).hour)) continue
    const offset = randomAt(seed, start * 4 + 1) * APPLIANCE_SLOT_MS
    const duration = (2 + 28 * randomAt(seed, start * 4 + 2) ** 2) * 60_000
    const from = slotStart + offset
    if (at >= from && at < from + duration) power += 1200 + 1000 * randomAt(seed, start * 4 + 3)
  }
  return power
}

/** The profile factor at a fractional local hour, linear between hour centres. */
function profileAt(profile: readonly number[], hour: number): number {
  const position = hour - 0.5
  const index = Math.floor(position)
  const fraction = position - index
  const at = (i: number) => profile[((i % 24) + 24) % 24] ?? 1
  return at(index) + (at(index + 1) - at(index)) * fraction
}

/** W the house (miners excluded) draws at an instant. */
export function housePower(
  options: HouseOptions,
  at: number,
  local: (ms: number) => LocalTime,
): number {
  const pattern = options.baseW * profileAt(options.profile, local(at).hour)
  const wobble =
    1 + options.noise * (2 * valueNoise(channel(options.seed, 'house'), at, NOISE_KNOT_MS) - 1)
  const appliances = options.appliances ? appliancePower(options, at, local) : 0
  return Math.max(0, pattern * wobble + appliances)
}
