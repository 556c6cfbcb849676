ALTER TYPE "public"."provider_role" ADD VALUE 'embeddings';--> statement-breakpoint
ALTER TABLE "tenant_providers" DROP CONSTRAINT "tenant_providers_kind";--> statement-breakpoint
ALTER TABLE "entities" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', name || ' ' || description)) STORED;--> statement-breakpoint
CREATE INDEX "entities_search" ON "entities" USING gin ("search");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_id_tenant" UNIQUE("id","tenant_id");--> statement-breakpoint
ALTER TABLE "entities" ADD CONSTRAINT "entities_id_campaign" UNIQUE("id","campaign_id");--> statement-breakpoint
ALTER TABLE "tenant_providers" ADD CONSTRAINT "tenant_providers_kind" CHECK ((role::text = 'llm' and kind in ('openai', 'anthropic', 'gemini')) or (role::text = 'stt' and kind in ('openai', 'deepgram', 'elevenlabs')) or (role::text = 'tts' and kind in ('elevenlabs', 'openai', 'espeak')) or (role::text = 'embeddings' and kind in ('openai')));