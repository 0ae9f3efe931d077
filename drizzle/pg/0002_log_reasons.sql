ALTER TABLE "request_logs" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "repeat_count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "key_hint" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "session_id" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "path" text;--> statement-breakpoint
CREATE INDEX "request_logs_session_created_idx" ON "request_logs" USING btree ("session_id","created_at");