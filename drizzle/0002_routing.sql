CREATE TABLE `auth_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_hint` text NOT NULL,
	`allowed_models` text,
	`expires_at` integer,
	`request_quota` integer,
	`token_quota` integer,
	`requests_used` integer DEFAULT 0 NOT NULL,
	`tokens_used` integer DEFAULT 0 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`last_used_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `auth_keys_key_hash_unique` ON `auth_keys` (`key_hash`);--> statement-breakpoint
ALTER TABLE `models` ADD `aliases` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `total_timeout_ms` integer DEFAULT 180000 NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `stream_idle_timeout_ms` integer DEFAULT 120000 NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `sticky_seconds` integer DEFAULT 120 NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `pinned_provider_id` integer;--> statement-breakpoint
ALTER TABLE `providers` ADD `error_match` text;--> statement-breakpoint
ALTER TABLE `providers` ADD `requests_per_minute` integer;--> statement-breakpoint
ALTER TABLE `providers` ADD `tokens_per_minute` integer;--> statement-breakpoint
ALTER TABLE `providers` ADD `max_concurrent` integer;--> statement-breakpoint
ALTER TABLE `providers` ADD `key_requests_per_minute` integer;--> statement-breakpoint
ALTER TABLE `providers` ADD `key_tokens_per_minute` integer;--> statement-breakpoint
ALTER TABLE `providers` ADD `key_max_concurrent` integer;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `auth_key_id` integer;--> statement-breakpoint
CREATE INDEX `request_logs_auth_key_created_idx` ON `request_logs` (`auth_key_id`,`created_at`);