CREATE TABLE "voice_nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"pool" text NOT NULL,
	"token_hash" text NOT NULL,
	"draining" boolean DEFAULT false NOT NULL,
	"version" text,
	"region" text,
	"capacity" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "voice_nodes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_usage" (
	"session_id" uuid NOT NULL,
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"session_hours" double precision DEFAULT 0 NOT NULL,
	"llm_tokens" bigint DEFAULT 0 NOT NULL,
	"stt_seconds" double precision DEFAULT 0 NOT NULL,
	"tts_chars" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_usage_session_id_period_pk" PRIMARY KEY("session_id","period")
);
--> statement-breakpoint
ALTER TABLE "session_usage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "session_usage" ADD CONSTRAINT "session_usage_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "voice_nodes_pool_idx" ON "voice_nodes" USING btree ("pool");--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_id_not_reserved" CHECK ("tenants"."id" <> 'shared');--> statement-breakpoint
CREATE POLICY "voice_nodes_tenant_isolation" ON "voice_nodes" AS PERMISSIVE FOR ALL TO "app_user" USING ("pool" = current_setting('app.tenant_id', true)) WITH CHECK ("pool" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "voice_nodes_operator_access" ON "voice_nodes" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "session_usage_tenant_isolation" ON "session_usage" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "session_usage_operator_access" ON "session_usage" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);