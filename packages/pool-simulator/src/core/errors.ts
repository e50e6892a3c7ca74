/** Thrown for invalid simulator options or scenarios; the message names the field and the value. */
export class SimulatorOptionsError extends Error {
  readonly code = 'invalid_simulator_options'
  constructor(message: string) {
    super(message)
    this.name = 'SimulatorOptionsError'
  }
}
