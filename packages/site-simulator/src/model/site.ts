import { DEFAULT_HOUSE_PROFILE, type HouseOptions, housePower } from './house.ts'
import { type LocalTime, localClock } from './local-time.ts'
import { type Location, pvPower, type Weather } from './solar.ts'

const HOUR_MS = 3_600_000
/** Beyond this much simulated time at once, the model jumps instead of integrating every step. */
export const MAX_CATCH_UP_MS = 31 * 24 * HOUR_MS

export interface BatteryOptions {
  /** Usable capacity, Wh. */
  capacityWh: number
  /** W the inverter can charge with (AC side). */
  maxChargeW: number
  /** W the inverter can discharge with (AC side). */
  maxDischargeW: number
  /** % at the start. */
  initialSoc: number
  /** % below which it never discharges (the reserve). */
  minSoc: number
  /** % above which it never charges. */
  maxSoc: number
  /** One-way efficiency (0–1]: charging stores `efficiency` × the power, discharging draws power / `efficiency`. */
  efficiency: number
}

export interface SiteModelOptions {
  location: Location
  /** W the array delivers under 1000 W/m² (its kWp × 1000, AC side). */
  pvPeakW: number
  weather: Weather
  house: HouseOptions
  battery: BatteryOptions | null
  /** Integration step, ms of simulated time. */
  stepMs: number
  /** Simulated instant the model starts at. */
  startMs: number
}

/** Something that draws power: a miner on its plug, later any other simulated device. */
export interface LoadDefinition {
  /** Unique name; the ledger reports energy under it. */
  name: string
  /** `miner` loads are left out of "house consumption without miners". */
  kind: 'miner' | 'other'
  /** W drawn at a simulated instant (≥ 0; negative counts as 0). */
  power(at: number): number
}

export interface LoadHandle {
  readonly name: string
  /** Takes the load off the site from the next step. */
  remove(): void
}

/** The site over one integration step, as its sensors report it at the step's end. */
export interface StepReading {
  /** End of the step (ms). */
  at: number
  /** W from the PV array. */
  pv: number
  /** W the house draws, every load excluded. */
  house: number
  /** W per load. */
  loads: Record<string, number>
  /** W of the `miner` loads. */
  miners: number
  /** W of the other loads. */
  otherLoads: number
  /** W of everything: house + loads. */
  consumption: number
  /** W into the battery (+ charging, − discharging), AC side; 0 without a battery. */
  battery: number
  /** % state of charge; null without a battery. */
  soc: number | null
  /** Wh stored; null without a battery. */
  storedWh: number | null
  /** W from the grid (+ importing, − exporting). */
  grid: number
}

export interface EnergyShare {
  consumedWh: number
  fromPvWh: number
  fromBatteryWh: number
  fromGridWh: number
}

/** Where the energy went since the model started (or since `resetLedger()`), in Wh. */
export interface EnergyLedger {
  fromMs: number
  toMs: number
  pv: {
    producedWh: number
    toHouseWh: number
    toLoadsWh: number
    toBatteryWh: number
    exportedWh: number
  }
  battery: { chargedWh: number; dischargedWh: number; lossesWh: number }
  grid: { importedWh: number; exportedWh: number }
  house: EnergyShare
  loads: Record<string, EnergyShare>
}

export interface SiteModel {
  readonly location: Location
  /** The local wall clock of the site. */
  localTime(at: number): LocalTime
  /** Integrates every whole step up to `at` (never backwards). */
  advanceTo(at: number): void
  /** End of the last integrated step. */
  integratedTo(): number
  /** The readings of the last integrated step. */
  reading(): StepReading
  /** Called at the end of every integrated step, in order. */
  onStep(listener: (reading: StepReading) => void): () => void
  /** Puts a load on the site; it draws from the next step on. */
  addLoad(load: LoadDefinition): LoadHandle
  loads(): readonly LoadDefinition[]
  ledger(): EnergyLedger
  resetLedger(): void
  weather(): Weather
  setWeather(weather: Partial<Weather>): void
  house(): HouseOptions
  setHouse(house: Partial<HouseOptions>): void
  /** Sets the battery's state of charge (%) from now on. */
  setSoc(percent: number): void
  readonly pvPeakW: number
  readonly battery: Readonly<BatteryOptions> | null
  readonly stepMs: number
}

function emptyShare(): EnergyShare {
  return { consumedWh: 0, fromPvWh: 0, fromBatteryWh: 0, fromGridWh: 0 }
}

function emptyLedger(at: number, loads: Iterable<string>): EnergyLedger {
  return {
    fromMs: at,
    toMs: at,
    pv: { producedWh: 0, toHouseWh: 0, toLoadsWh: 0, toBatteryWh: 0, exportedWh: 0 },
    battery: { chargedWh: 0, dischargedWh: 0, lossesWh: 0 },
    grid: { importedWh: 0, exportedWh: 0 },
    house: emptyShare(),
    loads: Object.fromEntries([...loads].map((name) => [name, emptyShare()])),
  }
}

export { DEFAULT_HOUSE_PROFILE }

/**
 * The physical model: per step, PV serves the house first, then the loads; what is left charges
 * the battery within its limits, then is exported; what is missing comes from the battery within
 * its limits and reserve, then from the grid. So, at every step,
 * grid = house + loads + battery charge − PV − battery discharge, and the SOC integrates the
 * battery's power over simulated time. Each load's energy is split by source in the ledger.
 */
export function createSiteModel(options: SiteModelOptions): SiteModel {
  const { location, stepMs, pvPeakW } = options
  const local = localClock(location.timeZone)
  let weather: Weather = { ...options.weather }
  let house: HouseOptions = { ...options.house }
  const battery = options.battery ? { ...options.battery } : null
  let storedWh = battery ? (battery.capacityWh * battery.initialSoc) / 100 : 0
  const loads = new Map<string, LoadDefinition>()
  const listeners = new Set<(reading: StepReading) => void>()
  let last = Math.floor(options.startMs / stepMs) * stepMs
  let ledger = emptyLedger(last, [])

  function shareOf(name: string): EnergyShare {
    let share = ledger.loads[name]
    if (!share) {
      share = emptyShare()
      ledger.loads[name] = share
    }
    return share
  }

  /** The flows of the step ending at `end`, and (when `apply`) their energy. */
  function step(end: number, apply: boolean): StepReading {
    const mid = end - stepMs / 2
    const hours = stepMs / HOUR_MS
    const pv = Math.max(0, pvPower(pvPeakW, location, weather, mid))
    const houseW = housePower(house, mid, local)
    const loadPowers: Record<string, number> = {}
    let miners = 0
    let otherLoads = 0
    for (const load of loads.values()) {
      const raw = load.power(mid)
      const power = Number.isFinite(raw) && raw > 0 ? raw : 0
      loadPowers[load.name] = power
      if (load.kind === 'miner') miners += power
      else otherLoads += power
    }
    const loadTotal = miners + otherLoads
    const demand = houseW + loadTotal
    const pvLocal = Math.min(pv, demand)
    const surplus = pv - pvLocal
    const deficit = demand - pvLocal
    let charge = 0
    let discharge = 0
    if (battery) {
      const eff = battery.efficiency
      if (surplus > 0) {
        const headroomWh = Math.max(0, (battery.capacityWh * battery.maxSoc) / 100 - storedWh)
        charge = Math.min(surplus, battery.maxChargeW, headroomWh / (hours * eff))
      } else if (deficit > 0) {
        const availableWh = Math.max(0, storedWh - (battery.capacityWh * battery.minSoc) / 100)
        discharge = Math.min(deficit, battery.maxDischargeW, (availableWh * eff) / hours)
      }
      if (apply) {
        storedWh += charge * hours * eff - (discharge * hours) / eff
        ledger.battery.chargedWh += charge * hours
        ledger.battery.dischargedWh += discharge * hours
        ledger.battery.lossesWh += charge * hours * (1 - eff) + discharge * hours * (1 / eff - 1)
      }
    }
    const exported = surplus - charge
    const imported = deficit - discharge
    if (apply) {
      ledger.toMs = end
      ledger.pv.producedWh += pv * hours
      ledger.pv.toBatteryWh += charge * hours
      ledger.pv.exportedWh += exported * hours
      ledger.grid.importedWh += imported * hours
      ledger.grid.exportedWh += exported * hours
      // The house is served first, by PV, then the battery, then the grid.
      const houseFromPv = Math.min(pvLocal, houseW)
      const houseFromBattery = Math.min(discharge, houseW - houseFromPv)
      const houseFromGrid = houseW - houseFromPv - houseFromBattery
      ledger.pv.toHouseWh += houseFromPv * hours
      ledger.pv.toLoadsWh += (pvLocal - houseFromPv) * hours
      ledger.house.consumedWh += houseW * hours
      ledger.house.fromPvWh += houseFromPv * hours
      ledger.house.fromBatteryWh += houseFromBattery * hours
      ledger.house.fromGridWh += houseFromGrid * hours
      // The loads share what is left of each source in proportion to their draw.
      if (loadTotal > 0) {
        const loadsFromPv = pvLocal - houseFromPv
        const loadsFromBattery = discharge - houseFromBattery
        const loadsFromGrid = imported - houseFromGrid
        for (const [name, power] of Object.entries(loadPowers)) {
          const part = power / loadTotal
          const share = shareOf(name)
          share.consumedWh += power * hours
          share.fromPvWh += loadsFromPv * part * hours
          share.fromBatteryWh += loadsFromBattery * part * hours
          share.fromGridWh += loadsFromGrid * part * hours
        }
      }
    }
    return {
      at: end,
      pv,
      house: houseW,
      loads: loadPowers,
      miners,
      otherLoads,
      consumption: demand,
      battery: charge - discharge,
      soc: battery ? (100 * storedWh) / battery.capacityWh : null,
      storedWh: battery ? storedWh : null,
      grid: imported - exported,
    }
  }

  let current = step(last, false)

  function advanceTo(at: number): void {
    if (at - last > MAX_CATCH_UP_MS) {
      // A clock that jumped months: skip ahead, keeping the battery as it was.
      last = Math.floor((at - 24 * HOUR_MS) / stepMs) * stepMs
    }
    while (last + stepMs <= at) {
      last += stepMs
      current = step(last, true)
      for (const listener of listeners) listener(current)
    }
  }

  return {
    location,
    pvPeakW,
    battery,
    stepMs,
    localTime: local,
    advanceTo,
    integratedTo: () => last,
    reading: () => current,
    onStep(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    addLoad(load) {
      if (loads.has(load.name)) throw new Error(`site: a load named '${load.name}' exists already`)
      loads.set(load.name, load)
      shareOf(load.name)
      return {
        name: load.name,
        remove: () => {
          if (loads.get(load.name) === load) loads.delete(load.name)
        },
      }
    },
    loads: () => [...loads.values()],
    ledger: () => structuredClone(ledger),
    resetLedger() {
      ledger = emptyLedger(last, loads.keys())
    },
    weather: () => ({ ...weather }),
    setWeather(patch) {
      weather = { ...weather, ...patch }
    },
    house: () => ({ ...house }),
    setHouse(patch) {
      house = { ...house, ...patch }
    },
    setSoc(percent) {
      if (!battery) throw new Error('site: there is no battery')
      storedWh = (battery.capacityWh * Math.min(100, Math.max(0, percent))) / 100
    },
  }
}
