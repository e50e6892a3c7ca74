CREATE TABLE `pool_cache_cooldowns` (
	`scope` text PRIMARY KEY NOT NULL,
	`until` integer NOT NULL,
	`step` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pool_cache_entries` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`stored_at` integer NOT NULL
);
