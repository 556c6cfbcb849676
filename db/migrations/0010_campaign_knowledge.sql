CREATE TYPE "public"."relationship_source" AS ENUM('dm', 'transcript', 'import');--> statement-breakpoint
CREATE TYPE "public"."lore_kind" AS ENUM('lore', 'rules', 'handout');--> statement-breakpoint
CREATE TYPE "public"."chunk_source" AS ENUM('transcript', 'lore');--> statement-breakpoint
CREATE TABLE "relationships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"campaign_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"type" text NOT NULL,
	"bidirectional" boolean DEFAULT false NOT NULL,
	"session_id" uuid,
	"confidence" real DEFAULT 1 NOT NULL,
	"source" "relationship_source" DEFAULT 'dm' NOT NULL,
	"dm_confirmed" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relationships_not_self" CHECK ("relationships"."source_id" <> "relationships"."target_id"),
	CONSTRAINT "relationships_type_length" CHECK (char_length("relationships"."type") between 1 and 100),
	CONSTRAINT "relationships_confidence" CHECK ("relationships"."confidence" between 0 and 1)
);
--> statement-breakpoint
ALTER TABLE "relationships" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "lore_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"campaign_id" uuid NOT NULL,
	"title" text NOT NULL,
	"title_key" text GENERATED ALWAYS AS (lower(title)) STORED,
	"kind" "lore_kind" DEFAULT 'lore' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lore_documents_id_campaign" UNIQUE("id","campaign_id"),
	CONSTRAINT "lore_documents_title_length" CHECK (char_length("lore_documents"."title") between 1 and 200),
	CONSTRAINT "lore_documents_body_length" CHECK (char_length("lore_documents"."body") <= 200000)
);
--> statement-breakpoint
ALTER TABLE "lore_documents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "chunks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"campaign_id" uuid NOT NULL,
	"source" "chunk_source" NOT NULL,
	"session_id" uuid,
	"lore_document_id" uuid,
	"position" integer NOT NULL,
	"content" text NOT NULL,
	"embedding" "embedding" NOT NULL,
	"model" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chunks_origin" CHECK (("chunks"."source" = 'transcript' and "chunks"."session_id" is not null and "chunks"."lore_document_id" is null) or ("chunks"."source" = 'lore' and "chunks"."lore_document_id" is not null and "chunks"."session_id" is null))
);
--> statement-breakpoint
ALTER TABLE "chunks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_campaign_fk" FOREIGN KEY ("campaign_id","tenant_id") REFERENCES "public"."campaigns"("id","tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_source_fk" FOREIGN KEY ("source_id","campaign_id") REFERENCES "public"."entities"("id","campaign_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_target_fk" FOREIGN KEY ("target_id","campaign_id") REFERENCES "public"."entities"("id","campaign_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_session_fk" FOREIGN KEY ("session_id","tenant_id") REFERENCES "public"."sessions"("id","tenant_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lore_documents" ADD CONSTRAINT "lore_documents_campaign_fk" FOREIGN KEY ("campaign_id","tenant_id") REFERENCES "public"."campaigns"("id","tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_campaign_fk" FOREIGN KEY ("campaign_id","tenant_id") REFERENCES "public"."campaigns"("id","tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_session_fk" FOREIGN KEY ("session_id","tenant_id") REFERENCES "public"."sessions"("id","tenant_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chunks" ADD CONSTRAINT "chunks_lore_document_fk" FOREIGN KEY ("lore_document_id","campaign_id") REFERENCES "public"."lore_documents"("id","campaign_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "relationships_edge" ON "relationships" USING btree ("source_id","target_id","type");--> statement-breakpoint
CREATE INDEX "relationships_target" ON "relationships" USING btree ("target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "lore_documents_campaign_title" ON "lore_documents" USING btree ("campaign_id","title_key");--> statement-breakpoint
CREATE INDEX "lore_documents_search" ON "lore_documents" USING gin ("search");--> statement-breakpoint
CREATE INDEX "chunks_campaign" ON "chunks" USING btree ("campaign_id","source");--> statement-breakpoint
CREATE POLICY "relationships_tenant_isolation" ON "relationships" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "relationships_operator_access" ON "relationships" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "lore_documents_tenant_isolation" ON "lore_documents" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "lore_documents_operator_access" ON "lore_documents" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "chunks_tenant_isolation" ON "chunks" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "chunks_operator_access" ON "chunks" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);