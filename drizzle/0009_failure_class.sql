ALTER TABLE `request_logs` ADD `failure_class` text;--> statement-breakpoint
-- Rows written before the column: a failed attempt's reason already was its failure class.
UPDATE `request_logs` SET `failure_class` = `reason` WHERE `status` = 'error' AND `reason` IN ('credential', 'rate_limit', 'quota', 'overloaded', 'server', 'timeout', 'connection', 'bad_request', 'content');
