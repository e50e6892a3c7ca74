import { defineCommand } from 'citty'
import { invocationOf } from '../command-kit'

export const serve = defineCommand({
  meta: {
    name: 'edge-mining serve',
    description:
      'Start the API server (the edge-mining-api executable) on the same database, as a child process',
  },
  args: {
    host: { type: 'string', description: 'Interface to listen on (API_HOST, default 127.0.0.1)' },
    port: { type: 'string', description: 'TCP port (API_PORT, default 8001)' },
  },
  run: async (context) => {
    const { startServer } = await import('../actions/serve')
    await startServer(invocationOf(context))
  },
})
