export { type CliServices, type ComposeOptions, openServices } from './compose'
export { EXIT, type ExitCode } from './errors'
export { type RunOptions, runCli } from './run'
export { createTerminal, type Terminal, type TerminalOptions } from './terminal'
