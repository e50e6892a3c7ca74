export {
  createMqttBridge,
  type MqttBridge,
  type MqttBridgeOptions,
  type MqttBridgeStats,
  type MqttConnect,
} from './bridge'
export {
  availabilityTopic,
  type DiscoveryConfig,
  deviceId,
  discoveryConfigs,
  type EntityKind,
  MINER_SENSORS,
  overrideCommandTopic,
  type SensorSpec,
  stateTopic,
  type Topics,
  TRACKER_SENSORS,
  topicsFor,
  UNIT_SENSORS,
} from './discovery'
export {
  type BridgeSettings,
  DEFAULT_BASE_TOPIC,
  DEFAULT_DISCOVERY_PREFIX,
  DEFAULT_MIN_INTERVAL_SECONDS,
  MQTT_URL_PROTOCOLS,
  mqttUrlProblem,
  topicProblem,
} from './options'
export { withoutCredentials } from './redact'
export type { BridgeObservation, MqttBridgeSource, SiteEntities } from './source'
