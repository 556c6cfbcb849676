ALTER TABLE "relationships" DROP CONSTRAINT "relationships_session_fk";
--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_session_fk" FOREIGN KEY ("session_id","tenant_id") REFERENCES "public"."sessions"("id","tenant_id") ON DELETE cascade ON UPDATE no action;