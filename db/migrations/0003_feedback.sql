CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"session_id" uuid,
	"user_id" text NOT NULL,
	"latency" smallint NOT NULL,
	"personality" smallint NOT NULL,
	"memory" smallint NOT NULL,
	"dm_workflow" smallint NOT NULL,
	"comments" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_latency_range" CHECK ("feedback"."latency" between 1 and 5),
	CONSTRAINT "feedback_personality_range" CHECK ("feedback"."personality" between 1 and 5),
	CONSTRAINT "feedback_memory_range" CHECK ("feedback"."memory" between 1 and 5),
	CONSTRAINT "feedback_dm_workflow_range" CHECK ("feedback"."dm_workflow" between 1 and 5),
	CONSTRAINT "feedback_comments_length" CHECK (char_length("feedback"."comments") <= 4000)
);
--> statement-breakpoint
ALTER TABLE "feedback" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feedback_tenant_created_idx" ON "feedback" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE POLICY "feedback_tenant_isolation" ON "feedback" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "feedback_operator_access" ON "feedback" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);