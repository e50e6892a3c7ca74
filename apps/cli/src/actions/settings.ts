import type { Invocation } from '../command-kit'
import { UsageError } from '../errors'
import { inputFromFlags, naming } from '../field-input'
import { SETTINGS_FIELDS } from '../fields'
import { announce, emit, setup } from '../output'
import { renderSettings } from '../views'

export async function show(invocation: Invocation): Promise<void> {
  const { data, json, services } = await setup(invocation)
  const settings = services.settings.get()
  emit(data, json, settings, () => renderSettings(settings))
}

export async function set(invocation: Invocation): Promise<void> {
  const context = await setup(invocation)
  const { services } = context
  const changes = inputFromFlags(services, SETTINGS_FIELDS, invocation)
  if (Object.keys(changes).length === 0) {
    throw new UsageError(
      `Nothing to change: give ${SETTINGS_FIELDS.map((field) => `--${field.flag}`).join(', ')}`,
    )
  }
  const settings = naming(SETTINGS_FIELDS, () => services.settings.update(changes))
  announce(context, settings, `System settings updated.\n${renderSettings(settings)}`)
}
