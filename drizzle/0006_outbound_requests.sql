ALTER TABLE `model_providers` ADD `extra_body` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `model_providers` ADD `extra_headers` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `model_providers` ADD `forward_client_headers` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `providers` ADD `proxy_url` text;