CREATE TABLE "mcp_servers" (
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"headers_enc" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"allowed_tools" text[] DEFAULT '{}'::text[] NOT NULL,
	"timeout_ms" integer DEFAULT 3000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mcp_servers_tenant_id_name_pk" PRIMARY KEY("tenant_id","name"),
	CONSTRAINT "mcp_servers_name" CHECK (name ~ '^[a-z][a-z0-9_-]{0,31}$'),
	CONSTRAINT "mcp_servers_timeout" CHECK (timeout_ms between 100 and 10000)
);
--> statement-breakpoint
ALTER TABLE "mcp_servers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD CONSTRAINT "mcp_servers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "mcp_servers_tenant_isolation" ON "mcp_servers" AS PERMISSIVE FOR ALL TO "app_user" USING ("tenant_id" = current_setting('app.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));--> statement-breakpoint
CREATE POLICY "mcp_servers_operator_access" ON "mcp_servers" AS PERMISSIVE FOR ALL TO "app_operator" USING (true) WITH CHECK (true);