CREATE TABLE `model_providers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`model_id` integer NOT NULL,
	`provider_id` integer NOT NULL,
	`provider_model` text NOT NULL,
	`weight` integer DEFAULT 1 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`tool_call` integer DEFAULT true NOT NULL,
	`structured_output` integer DEFAULT true NOT NULL,
	`vision` integer DEFAULT true NOT NULL,
	`price_input` real DEFAULT 0 NOT NULL,
	`price_cached_input` real DEFAULT 0 NOT NULL,
	`price_output` real DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_providers_model_idx` ON `model_providers` (`model_id`);--> statement-breakpoint
CREATE INDEX `model_providers_provider_idx` ON `model_providers` (`provider_id`);--> statement-breakpoint
CREATE TABLE `models` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`remark` text DEFAULT '' NOT NULL,
	`strategy` text DEFAULT 'weighted' NOT NULL,
	`max_retry` integer DEFAULT 3 NOT NULL,
	`timeout_ms` integer DEFAULT 60000 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `models_name_unique` ON `models` (`name`);--> statement-breakpoint
CREATE TABLE `providers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`base_url` text NOT NULL,
	`api_keys` text DEFAULT '[]' NOT NULL,
	`headers` text DEFAULT '{}' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`console_url` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `providers_name_unique` ON `providers` (`name`);--> statement-breakpoint
CREATE TABLE `request_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trace_id` text NOT NULL,
	`model` text NOT NULL,
	`provider_id` integer,
	`provider_name` text,
	`provider_model` text,
	`client_protocol` text NOT NULL,
	`status` text NOT NULL,
	`status_code` integer,
	`error` text,
	`attempt` integer DEFAULT 0 NOT NULL,
	`stream` integer DEFAULT false NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`total_tokens` integer DEFAULT 0 NOT NULL,
	`first_byte_ms` integer,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`client_ip` text,
	`user_agent` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `request_logs_created_idx` ON `request_logs` (`created_at`);--> statement-breakpoint
CREATE INDEX `request_logs_model_created_idx` ON `request_logs` (`model`,`created_at`);--> statement-breakpoint
CREATE INDEX `request_logs_provider_created_idx` ON `request_logs` (`provider_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `request_logs_status_created_idx` ON `request_logs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `request_logs_trace_idx` ON `request_logs` (`trace_id`);