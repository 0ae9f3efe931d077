ALTER TABLE "model_providers" ADD COLUMN "price_cache_write" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "model_providers" ADD COLUMN "currency" text DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "cache_write_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "price_input" double precision;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "price_cached_input" double precision;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "price_cache_write" double precision;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "price_output" double precision;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "currency" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "cost" double precision;