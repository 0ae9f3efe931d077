CREATE TABLE `retention_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL,
	`triggered_by` text NOT NULL,
	`mode` text NOT NULL,
	`deleted_rows` integer DEFAULT 0 NOT NULL,
	`deleted_bodies` integer DEFAULT 0 NOT NULL,
	`duration_ms` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `retention_runs_started_idx` ON `retention_runs` (`started_at`);--> statement-breakpoint
ALTER TABLE `auth_keys` ADD `capture_bodies` integer DEFAULT false NOT NULL;