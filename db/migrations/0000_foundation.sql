CREATE TYPE "public"."license_tier" AS ENUM('shared', 'dedicated');--> statement-breakpoint
CREATE TYPE "public"."tier" AS ENUM('apprentice', 'adventurer', 'dungeon_master', 'guild');--> statement-breakpoint
CREATE TYPE "public"."session_end_reason" AS ENUM('stopped', 'node_lost', 'quota', 'failed', 'tenant_deleted');--> statement-breakpoint
CREATE TYPE "public"."session_state" AS ENUM('pending', 'active', 'ended');--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"license_tier" "license_tier" DEFAULT 'shared' NOT NULL,
	"tier" "tier" DEFAULT 'apprentice' NOT NULL,
	"bot_token_enc" text,
	"discord_application_id" text,
	"discord_public_key" text,
	"guild_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"dm_role_id" text,
	"campaign_id" uuid,
	"monthly_session_hours" real,
	"max_concurrent_sessions" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_id_format" CHECK ("tenants"."id" ~ '^[a-z][a-z0-9-]{1,62}$'),
	CONSTRAINT "tenants_hours_nonnegative" CHECK ("tenants"."monthly_session_hours" >= 0),
	CONSTRAINT "tenants_concurrency_positive" CHECK ("tenants"."max_concurrent_sessions" >= 1)
);
--> statement-breakpoint
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"campaign_id" uuid,
	"guild_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"started_by" text NOT NULL,
	"state" "session_state" DEFAULT 'pending' NOT NULL,
	"node_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" "session_end_reason",
	"last_heartbeat_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_records" (
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"session_hours" double precision DEFAULT 0 NOT NULL,
	"llm_tokens" bigint DEFAULT 0 NOT NULL,
	"stt_seconds" double precision DEFAULT 0 NOT NULL,
	"tts_chars" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_records_tenant_id_period_pk" PRIMARY KEY("tenant_id","period"),
	CONSTRAINT "usage_period_format" CHECK ("usage_records"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
);
--> statement-breakpoint
ALTER TABLE "usage_records" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"detail" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_tenant_state_idx" ON "sessions" USING btree ("tenant_id","state");--> statement-breakpoint
CREATE INDEX "sessions_tenant_started_idx" ON "sessions" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_one_live_per_guild" ON "sessions" USING btree ("tenant_id","guild_id") WHERE "sessions"."state" <> 'ended';--> statement-breakpoint
CREATE INDEX "audit_log_tenant_at_idx" ON "audit_log" USING btree ("tenant_id","at");--> statement-breakpoint
CREATE POLICY "tenants_tenant_isolation" ON "tenants" AS PERMISSIVE FOR ALL TO "app_user" USING ("id" = current_setting('app.tenant_id', true)) WITH CHECK ("id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenants_operator_access" ON "tenants" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "sessions_tenant_isolation" ON "sessions" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "sessions_operator_access" ON "sessions" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "usage_records_tenant_isolation" ON "usage_records" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "usage_records_operator_access" ON "usage_records" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "audit_log_tenant_isolation" ON "audit_log" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "audit_log_operator_access" ON "audit_log" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);