import { defineCommand } from 'citty'
import { invocationOf } from '../command-kit'

export const menu = defineCommand({
  meta: {
    name: 'edge-mining menu',
    description:
      'The interactive menu (also what a bare `edge-mining` opens on a terminal); reads answers line by line, so it can be scripted through stdin',
  },
  run: async (context) => {
    const { runMenu } = await import('../menu/index')
    await runMenu(invocationOf(context).data)
  },
})
