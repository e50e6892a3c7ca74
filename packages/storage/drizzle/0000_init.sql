CREATE TABLE `mining_performance_trackers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`adapter_type` text NOT NULL,
	`config` text NOT NULL,
	`external_service_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
