CREATE TABLE `decision_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`unit_id` text,
	`unit_name` text,
	`miner_id` text,
	`miner_name` text,
	`policy_id` text,
	`policy_name` text,
	`rule_id` text,
	`rule_name` text,
	`rule_type` text,
	`decision` text,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`status_before` text,
	`status_after` text,
	`reason` text NOT NULL,
	`trace` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `decision_log_unit_id_idx` ON `decision_log` (`unit_id`,`id`);--> statement-breakpoint
CREATE INDEX `decision_log_miner_id_idx` ON `decision_log` (`miner_id`,`id`);--> statement-breakpoint
CREATE INDEX `decision_log_at_idx` ON `decision_log` (`at`);--> statement-breakpoint
CREATE TABLE `energy_monitors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`adapter_type` text NOT NULL,
	`config` text NOT NULL,
	`external_service_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `energy_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`nominal_power_max` real,
	`storage` text,
	`grid` text,
	`external_source` real,
	`energy_monitor_id` text,
	`forecast_provider_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `external_services` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`adapter_type` text NOT NULL,
	`config` text NOT NULL,
	`external_service_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `forecast_providers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`adapter_type` text NOT NULL,
	`config` text NOT NULL,
	`external_service_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `miner_controllers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`adapter_type` text NOT NULL,
	`config` text NOT NULL,
	`external_service_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `miner_overrides` (
	`miner_id` text PRIMARY KEY NOT NULL,
	`action` text NOT NULL,
	`until` text NOT NULL,
	`created_at` text NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE TABLE `miner_runtime` (
	`miner_id` text PRIMARY KEY NOT NULL,
	`last_status` text,
	`last_switch_at` text,
	`last_action` text
);
--> statement-breakpoint
CREATE TABLE `miners` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`model` text,
	`hash_rate_max` text,
	`power_consumption_max` real,
	`active` integer NOT NULL,
	`features` text NOT NULL,
	`pool_worker_name` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifiers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`adapter_type` text NOT NULL,
	`config` text NOT NULL,
	`external_service_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `optimization_units` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`is_enabled` integer NOT NULL,
	`policy_id` text,
	`target_miner_ids` text NOT NULL,
	`energy_source_id` text,
	`performance_tracker_id` text,
	`home_loads_profile_id` text,
	`notifier_ids` text NOT NULL,
	`climate_zone_ids` text NOT NULL,
	`min_on_seconds` integer NOT NULL,
	`min_off_seconds` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rule_state` (
	`key` text PRIMARY KEY NOT NULL,
	`true_since` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `scheduler_lease` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`id` text PRIMARY KEY NOT NULL,
	`settings_json` text NOT NULL
);
