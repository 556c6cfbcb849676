CREATE TYPE "public"."voice_sample_format" AS ENUM('wav', 'mp3');--> statement-breakpoint
CREATE TYPE "public"."voice_sample_status" AS ENUM('uploaded', 'processing', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "voice_samples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"file_key" text NOT NULL,
	"file_size" bigint NOT NULL,
	"duration_ms" integer NOT NULL,
	"format" "voice_sample_format" NOT NULL,
	"sample_rate" integer NOT NULL,
	"channels" smallint NOT NULL,
	"status" "voice_sample_status" DEFAULT 'uploaded' NOT NULL,
	"provider_voice_id" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "voice_samples_file_key_unique" UNIQUE("file_key"),
	CONSTRAINT "voice_samples_name_length" CHECK (char_length("voice_samples"."name") between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "voice_samples" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "voice_samples" ADD CONSTRAINT "voice_samples_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "voice_samples_tenant_created_idx" ON "voice_samples" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE POLICY "voice_samples_tenant_isolation" ON "voice_samples" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "voice_samples_operator_access" ON "voice_samples" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);