ALTER TABLE `providers` ADD `endpoints` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `endpoint` text DEFAULT 'chat' NOT NULL;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `usage_estimated` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `warnings` text;