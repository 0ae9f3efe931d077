CREATE TABLE `request_bodies` (
	`trace_id` text PRIMARY KEY NOT NULL,
	`request_body` text,
	`response_body` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `request_bodies_created_idx` ON `request_bodies` (`created_at`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `models` ADD `sort_order` integer DEFAULT 0 NOT NULL;