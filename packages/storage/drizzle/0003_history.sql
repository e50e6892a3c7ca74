CREATE TABLE `history` (
	`series` text NOT NULL,
	`tier` integer NOT NULL,
	`bucket` integer NOT NULL,
	`sum` real NOT NULL,
	`count` integer NOT NULL,
	`min` real NOT NULL,
	`max` real NOT NULL,
	PRIMARY KEY(`series`, `tier`, `bucket`)
);
--> statement-breakpoint
CREATE INDEX `history_tier_bucket` ON `history` (`tier`,`bucket`);