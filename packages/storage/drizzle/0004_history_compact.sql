-- Each series name stored once; history rows keyed by its integer id, WITHOUT ROWID so the
-- primary key is the table (no second copy of every key in an index). Rows are carried over.
CREATE TABLE `history_series` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `history_series_name_unique` ON `history_series` (`name`);--> statement-breakpoint
INSERT INTO `history_series` (`name`) SELECT DISTINCT `series` FROM `history` ORDER BY `series`;--> statement-breakpoint
CREATE TABLE `__new_history` (
	`series_id` integer NOT NULL,
	`tier` integer NOT NULL,
	`bucket` integer NOT NULL,
	`sum` real NOT NULL,
	`count` integer NOT NULL,
	`min` real NOT NULL,
	`max` real NOT NULL,
	PRIMARY KEY(`series_id`, `tier`, `bucket`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_history` ("series_id", "tier", "bucket", "sum", "count", "min", "max")
	SELECT s."id", h."tier", h."bucket", h."sum", h."count", h."min", h."max"
	FROM `history` h JOIN `history_series` s ON s."name" = h."series";--> statement-breakpoint
DROP TABLE `history`;--> statement-breakpoint
ALTER TABLE `__new_history` RENAME TO `history`;--> statement-breakpoint
CREATE INDEX `history_tier_bucket` ON `history` (`tier`,`bucket`);
