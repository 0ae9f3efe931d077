CREATE TABLE `response_cache` (
	`key` text PRIMARY KEY NOT NULL,
	`model` text NOT NULL,
	`answer` text NOT NULL,
	`bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `response_cache_model_idx` ON `response_cache` (`model`);--> statement-breakpoint
CREATE INDEX `response_cache_expires_idx` ON `response_cache` (`expires_at`);--> statement-breakpoint
ALTER TABLE `models` ADD `cache_ttl_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `cache_everything` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `cache_per_key` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `coalesce` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `cache_status` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `saved_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `saved_cost` real;