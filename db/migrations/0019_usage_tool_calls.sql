ALTER TABLE "usage_days" ADD COLUMN "tool_calls" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_records" ADD COLUMN "tool_calls" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "session_usage" ADD COLUMN "tool_calls" bigint DEFAULT 0 NOT NULL;