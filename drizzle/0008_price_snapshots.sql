ALTER TABLE `model_providers` ADD `price_cache_write` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `model_providers` ADD `currency` text DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `cache_write_tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `price_input` real;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `price_cached_input` real;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `price_cache_write` real;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `price_output` real;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `currency` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `cost` real;