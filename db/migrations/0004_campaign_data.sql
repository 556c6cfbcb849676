CREATE TYPE "public"."budget_tier" AS ENUM('fast', 'standard', 'deep');--> statement-breakpoint
CREATE TYPE "public"."entity_type" AS ENUM('npc', 'location', 'item', 'faction', 'quest', 'lore');--> statement-breakpoint
CREATE TYPE "public"."recap_source" AS ENUM('llm', 'extractive');--> statement-breakpoint
CREATE TYPE "public"."provider_role" AS ENUM('llm', 'stt', 'tts');--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"name_key" text GENERATED ALWAYS AS (lower(name)) STORED,
	"game_system" text,
	"language" text,
	"description" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "campaigns_id_tenant" UNIQUE("id","tenant_id"),
	CONSTRAINT "campaigns_name_length" CHECK (char_length("campaigns"."name") between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "campaigns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "npcs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"campaign_id" uuid NOT NULL,
	"name" text NOT NULL,
	"name_key" text GENERATED ALWAYS AS (lower(name)) STORED,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"personality" text DEFAULT '' NOT NULL,
	"voice" jsonb NOT NULL,
	"engine" text,
	"budget_tier" "budget_tier" DEFAULT 'fast' NOT NULL,
	"knowledge_scope" text[] DEFAULT '{}'::text[] NOT NULL,
	"secret_knowledge" text,
	"behavior_rules" text[] DEFAULT '{}'::text[] NOT NULL,
	"gm_helper" boolean DEFAULT false NOT NULL,
	"muted_by_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "npcs_name_length" CHECK (char_length("npcs"."name") between 1 and 100),
	CONSTRAINT "npcs_voice_pitch" CHECK (("npcs"."voice"->>'pitch')::float8 between -10 and 10),
	CONSTRAINT "npcs_voice_speed" CHECK (("npcs"."voice"->>'speed')::float8 between 0.5 and 2)
);
--> statement-breakpoint
ALTER TABLE "npcs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "entities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"campaign_id" uuid NOT NULL,
	"name" text NOT NULL,
	"name_key" text GENERATED ALWAYS AS (lower(name)) STORED,
	"type" "entity_type" NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entities_name_length" CHECK (char_length("entities"."name") between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "entities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"session_id" uuid NOT NULL,
	"campaign_id" uuid,
	"speaker_id" text NOT NULL,
	"speaker_name" text NOT NULL,
	"npc" boolean DEFAULT false NOT NULL,
	"text" text NOT NULL,
	"spoken_at" timestamp with time zone NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', speaker_name || ' ' || text)) STORED
);
--> statement-breakpoint
ALTER TABLE "session_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "recaps" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"text" text NOT NULL,
	"source" "recap_source" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recaps" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenant_providers" (
	"tenant_id" text NOT NULL,
	"role" "provider_role" NOT NULL,
	"kind" text NOT NULL,
	"base_url" text NOT NULL,
	"model" text NOT NULL,
	"api_key_enc" text,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_providers_tenant_id_role_pk" PRIMARY KEY("tenant_id","role"),
	CONSTRAINT "tenant_providers_kind" CHECK ((role = 'llm' and kind in ('openai', 'anthropic', 'gemini')) or (role = 'stt' and kind in ('openai', 'deepgram', 'elevenlabs')) or (role = 'tts' and kind in ('elevenlabs', 'openai', 'espeak')))
);
--> statement-breakpoint
ALTER TABLE "tenant_providers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "npcs" ADD CONSTRAINT "npcs_campaign_fk" FOREIGN KEY ("campaign_id","tenant_id") REFERENCES "public"."campaigns"("id","tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entities" ADD CONSTRAINT "entities_campaign_fk" FOREIGN KEY ("campaign_id","tenant_id") REFERENCES "public"."campaigns"("id","tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_entries" ADD CONSTRAINT "session_entries_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_entries" ADD CONSTRAINT "session_entries_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recaps" ADD CONSTRAINT "recaps_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_providers" ADD CONSTRAINT "tenant_providers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_tenant_name_live" ON "campaigns" USING btree ("tenant_id","name_key") WHERE "campaigns"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "npcs_campaign_name" ON "npcs" USING btree ("campaign_id","name_key");--> statement-breakpoint
CREATE UNIQUE INDEX "entities_campaign_name" ON "entities" USING btree ("campaign_id","name_key");--> statement-breakpoint
CREATE INDEX "entities_campaign_type_name" ON "entities" USING btree ("campaign_id","type","name_key");--> statement-breakpoint
CREATE UNIQUE INDEX "session_entries_line" ON "session_entries" USING btree ("session_id","spoken_at","speaker_id");--> statement-breakpoint
CREATE INDEX "session_entries_search" ON "session_entries" USING gin ("search");--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "campaigns_tenant_isolation" ON "campaigns" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "campaigns_operator_access" ON "campaigns" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "npcs_tenant_isolation" ON "npcs" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "npcs_operator_access" ON "npcs" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "entities_tenant_isolation" ON "entities" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "entities_operator_access" ON "entities" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "session_entries_tenant_isolation" ON "session_entries" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "session_entries_operator_access" ON "session_entries" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "recaps_tenant_isolation" ON "recaps" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "recaps_operator_access" ON "recaps" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_providers_tenant_isolation" ON "tenant_providers" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_providers_operator_access" ON "tenant_providers" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);