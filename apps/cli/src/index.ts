export {
  type CliRuntime,
  type ComposeOptions,
  describeShippedAdapters,
  openCliRuntime,
} from './compose'
export { EXIT, type ExitCode } from './errors'
export { type RunOptions, runCli } from './run'
export { createTerminal, type Terminal, type TerminalOptions } from './terminal'
