import {
  deviceHostField,
  devicePasswordField,
  devicePortField,
  deviceTimeoutSecondsField,
  hostPortCheck,
} from '@edge-mining/adapter-kit'
import { describeValue } from '@edge-mining/domain'
import * as v from 'valibot'

export const BRAIINS_OS_TYPE = 'braiins_os'

/** A Braiins OS miner's REST API: where it is and the web user it logs in as. */
export const BraiinsOsConfigSchema = v.pipe(
  v.strictObject({
    host: deviceHostField('The miner: IP address or host name, e.g. 192.168.1.40'),
    port: devicePortField,
    username: v.optional(
      v.pipe(
        v.string((issue) => `must be a user name, got ${describeValue(issue.input)}`),
        v.description('The web/API user (factory default root)'),
        v.trim(),
        v.nonEmpty('must not be blank (the factory user is root)'),
      ),
      'root',
    ),
    password: devicePasswordField('Password of that user (factory default: empty)'),
    request_timeout_seconds: deviceTimeoutSecondsField(5),
  }),
  hostPortCheck(),
)
export type BraiinsOsConfig = v.InferOutput<typeof BraiinsOsConfigSchema>
export type BraiinsOsConfigInput = v.InferInput<typeof BraiinsOsConfigSchema>

export const BRAIINS_OS_SECRET_FIELDS = ['password'] as const
