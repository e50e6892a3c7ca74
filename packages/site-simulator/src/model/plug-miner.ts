import { channel, seedFromText, valueNoise } from './random.ts'

export interface PlugMinerOptions {
  /** Unique name (the load's name in the ledger). */
  name: string
  /** W at full power. */
  powerW: number
  /** Seconds after power-on spent booting (control board and fans only). */
  bootSeconds: number
  /** W while booting. */
  bootW: number
  /** Seconds from the end of the boot to full power. */
  rampSeconds: number
  /** Whether the plug is on when the simulation starts (then already at full power). */
  initiallyOn: boolean
  seed: number
}

/** A miner that runs whenever its plug is on: power follows the plug's on/off history. */
export interface PlugMiner {
  readonly options: Readonly<PlugMinerOptions>
  isOn(at: number): boolean
  /** Switches the plug at `at` (events must come in time order). Answers whether it changed. */
  switchTo(on: boolean, at: number): boolean
  /** W drawn at `at`: 0 off, `bootW` while booting, then a linear ramp to `powerW` (±1 %). */
  power(at: number): number
  /** Every switch, oldest first. */
  history(): readonly { at: number; on: boolean }[]
}

const NOISE_KNOT_MS = 30_000

export function createPlugMiner(options: PlugMinerOptions, startMs: number): PlugMiner {
  // Created on: it was switched on long enough ago to be at full power.
  const events: { at: number; on: boolean }[] = [
    {
      at: options.initiallyOn
        ? startMs - (options.bootSeconds + options.rampSeconds) * 1000 - 1
        : Number.NEGATIVE_INFINITY,
      on: options.initiallyOn,
    },
  ]
  const seed = channel(options.seed, `miner ${seedFromText(options.name)}`)

  function eventAt(at: number) {
    for (let index = events.length - 1; index >= 0; index -= 1) {
      const event = events[index]
      if (event && event.at <= at) return event
    }
    return events[0] ?? { at: Number.NEGATIVE_INFINITY, on: false }
  }

  return {
    options,
    isOn: (at) => eventAt(at).on,
    switchTo(on, at) {
      const lastEvent = events[events.length - 1]
      if (lastEvent && lastEvent.on === on) return false
      events.push({ at: Math.max(at, lastEvent?.at ?? at), on })
      return true
    },
    power(at) {
      const event = eventAt(at)
      if (!event.on) return 0
      const seconds = (at - event.at) / 1000
      if (seconds < options.bootSeconds) return options.bootW
      const ramp =
        options.rampSeconds === 0
          ? 1
          : Math.min(1, (seconds - options.bootSeconds) / options.rampSeconds)
      const full = options.powerW * (0.99 + 0.02 * valueNoise(seed, at, NOISE_KNOT_MS))
      return options.bootW + (full - options.bootW) * ramp
    },
    history: () =>
      events.filter((event) => Number.isFinite(event.at)).map((event) => ({ ...event })),
  }
}
