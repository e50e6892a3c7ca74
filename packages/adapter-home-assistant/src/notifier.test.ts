import { afterEach, describe, expect, it } from 'vitest'
import { createHomeAssistantNotifier } from './notifier'
import { closeAll, harness } from './test-support'

afterEach(closeAll)

const note = {
  event: 'miner_started' as const,
  title: 'Miner Started: Garage S21',
  message: 'Start: the surplus covers the miner',
  at: '2026-06-21T10:00:00.000Z',
}

describe('home_assistant_notify', () => {
  it('sends title + message through notify.<service> (prefix optional), with extra data', async () => {
    const { sim, context } = await harness({ notifyServices: ['mobile_app_pixel_7'] })
    await createHomeAssistantNotifier({ service: 'notify.mobile_app_pixel_7' }, context).send(note)
    await createHomeAssistantNotifier(
      { service: 'mobile_app_pixel_7', data: { push: { sound: 'default' } } },
      context,
    ).send(note)
    expect(sim.notifications()).toEqual([
      {
        at: Date.parse(note.at),
        service: 'notify.mobile_app_pixel_7',
        title: note.title,
        message: note.message,
        data: null,
      },
      {
        at: Date.parse(note.at),
        service: 'notify.mobile_app_pixel_7',
        title: note.title,
        message: note.message,
        data: { push: { sound: 'default' } },
      },
    ])
  })

  it('an unknown service is bad_response; HA down is unreachable; a bad name is refused up front', async () => {
    const { sim, context } = await harness()
    await expect(
      createHomeAssistantNotifier({ service: 'mobile_app_nobody' }, context).send(note),
    ).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringMatching(/refused notify\.mobile_app_nobody \(HTTP 400\)/),
    })
    sim.set({ faults: [{ fault: { kind: 'down' } }] })
    await expect(
      createHomeAssistantNotifier({ service: 'mobile_app_phone' }, context).send(note),
    ).rejects.toMatchObject({
      code: 'unreachable',
    })
    expect(() => createHomeAssistantNotifier({ service: 'Mobile App!' }, context)).toThrow(
      /service: must be a notify service/,
    )
  })
})
