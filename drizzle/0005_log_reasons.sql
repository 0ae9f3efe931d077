ALTER TABLE `request_logs` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `repeat_count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `key_hint` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `session_id` text;--> statement-breakpoint
ALTER TABLE `request_logs` ADD `path` text;--> statement-breakpoint
CREATE INDEX `request_logs_session_created_idx` ON `request_logs` (`session_id`,`created_at`);