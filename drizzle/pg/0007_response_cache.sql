CREATE TABLE "response_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"answer" text NOT NULL,
	"bytes" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cache_ttl_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cache_everything" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cache_per_key" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "coalesce" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "cache_status" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "saved_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "saved_cost" double precision;--> statement-breakpoint
CREATE INDEX "response_cache_model_idx" ON "response_cache" USING btree ("model");--> statement-breakpoint
CREATE INDEX "response_cache_expires_idx" ON "response_cache" USING btree ("expires_at");