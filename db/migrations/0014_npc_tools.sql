ALTER TABLE "npcs" ADD COLUMN "tools" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "session_entries" ADD COLUMN "tool" jsonb;