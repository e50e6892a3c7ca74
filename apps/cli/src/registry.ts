import { type AdapterRegistry, createDefaultAdapterRegistry } from '@edge-mining/services'

/** Every adapter the CLI offers; the wizard and the config flags are generated from these. */
export function createCliRegistry(): AdapterRegistry {
  return createDefaultAdapterRegistry()
}
