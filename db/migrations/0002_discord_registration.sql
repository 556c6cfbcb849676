ALTER TABLE "tenants" ADD COLUMN "commands_registered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "commands_registration_error" text;