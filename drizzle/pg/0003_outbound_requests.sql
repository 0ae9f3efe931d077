ALTER TABLE "model_providers" ADD COLUMN "extra_body" text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "model_providers" ADD COLUMN "extra_headers" text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "model_providers" ADD COLUMN "forward_client_headers" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "providers" ADD COLUMN "proxy_url" text;