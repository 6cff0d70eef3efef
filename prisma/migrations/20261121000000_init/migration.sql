-- Gatehouse: initial schema.
--
-- Generated from prisma/schema.prisma (tools/schema-diff/schema-sql.mjs), then completed with what
-- Prisma cannot express, marked "Beyond Prisma" below. test/db/drift.test.ts keeps the two in step.

-- Beyond Prisma: case-insensitive text for emails, usernames and domains.
CREATE EXTENSION IF NOT EXISTS citext;

-- CreateEnum
CREATE TYPE "role_type" AS ENUM ('USER', 'MACHINE_TO_MACHINE');

-- CreateEnum
CREATE TYPE "application_type" AS ENUM ('MACHINE_TO_MACHINE');

-- CreateEnum
CREATE TYPE "invitation_status" AS ENUM ('PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "signing_key_status" AS ENUM ('ACTIVE', 'RETIRED');

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "primary_email" CITEXT,
    "name" VARCHAR(128),
    "username" CITEXT,
    "avatar_url" VARCHAR(2048),
    "mfa_enrolled" BOOLEAN NOT NULL DEFAULT false,
    "custom_data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_identities" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "claims" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_identities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "applications" (
    "id" TEXT NOT NULL,
    "name" VARCHAR(256) NOT NULL,
    "description" VARCHAR(256),
    "type" "application_type" NOT NULL DEFAULT 'MACHINE_TO_MACHINE',
    "secret_hash" TEXT NOT NULL,
    "custom_data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_resources" (
    "id" TEXT NOT NULL,
    "name" VARCHAR(256) NOT NULL,
    "indicator" TEXT NOT NULL,
    "access_token_ttl" INTEGER NOT NULL DEFAULT 3600,
    "is_built_in" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "api_resources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resource_scopes" (
    "id" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "name" VARCHAR(256) NOT NULL,
    "description" VARCHAR(256),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "resource_scopes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roles" (
    "id" TEXT NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "description" VARCHAR(256),
    "type" "role_type" NOT NULL DEFAULT 'USER',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_scopes" (
    "role_id" TEXT NOT NULL,
    "scope_id" TEXT NOT NULL,

    CONSTRAINT "role_scopes_pkey" PRIMARY KEY ("role_id","scope_id")
);

-- CreateTable
CREATE TABLE "user_roles" (
    "user_id" TEXT NOT NULL,
    "role_id" TEXT NOT NULL,
    "role_type" "role_type" NOT NULL DEFAULT 'USER',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_roles_pkey" PRIMARY KEY ("user_id","role_id")
);

-- CreateTable
CREATE TABLE "application_roles" (
    "application_id" TEXT NOT NULL,
    "role_id" TEXT NOT NULL,
    "role_type" "role_type" NOT NULL DEFAULT 'MACHINE_TO_MACHINE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_roles_pkey" PRIMARY KEY ("application_id","role_id")
);

-- CreateTable
CREATE TABLE "organization_scopes" (
    "id" TEXT NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "description" VARCHAR(256),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_scopes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organization_roles" (
    "id" TEXT NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "description" VARCHAR(256),
    "type" "role_type" NOT NULL DEFAULT 'USER',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organization_role_scopes" (
    "role_id" TEXT NOT NULL,
    "scope_id" TEXT NOT NULL,

    CONSTRAINT "organization_role_scopes_pkey" PRIMARY KEY ("role_id","scope_id")
);

-- CreateTable
CREATE TABLE "organization_role_resource_scopes" (
    "role_id" TEXT NOT NULL,
    "scope_id" TEXT NOT NULL,

    CONSTRAINT "organization_role_resource_scopes_pkey" PRIMARY KEY ("role_id","scope_id")
);

-- CreateTable
CREATE TABLE "organizations" (
    "id" TEXT NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "description" VARCHAR(256),
    "custom_data" JSONB NOT NULL DEFAULT '{}',
    "is_mfa_required" BOOLEAN NOT NULL DEFAULT false,
    "branding_logo_url" VARCHAR(2048),
    "branding_dark_logo_url" VARCHAR(2048),
    "branding_favicon" VARCHAR(2048),
    "branding_dark_favicon" VARCHAR(2048),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organization_memberships" (
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_memberships_pkey" PRIMARY KEY ("organization_id","user_id")
);

-- CreateTable
CREATE TABLE "organization_user_roles" (
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "role_id" TEXT NOT NULL,
    "role_type" "role_type" NOT NULL DEFAULT 'USER',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_user_roles_pkey" PRIMARY KEY ("organization_id","user_id","role_id")
);

-- CreateTable
CREATE TABLE "organization_applications" (
    "organization_id" TEXT NOT NULL,
    "application_id" TEXT NOT NULL,
    "application_type" "application_type" NOT NULL DEFAULT 'MACHINE_TO_MACHINE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_applications_pkey" PRIMARY KEY ("organization_id","application_id")
);

-- CreateTable
CREATE TABLE "organization_application_roles" (
    "organization_id" TEXT NOT NULL,
    "application_id" TEXT NOT NULL,
    "role_id" TEXT NOT NULL,
    "role_type" "role_type" NOT NULL DEFAULT 'MACHINE_TO_MACHINE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_application_roles_pkey" PRIMARY KEY ("organization_id","application_id","role_id")
);

-- CreateTable
CREATE TABLE "organization_invitations" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "invitee" CITEXT NOT NULL,
    "inviter_id" TEXT,
    "accepted_user_id" TEXT,
    "status" "invitation_status" NOT NULL DEFAULT 'PENDING',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organization_invitation_roles" (
    "invitation_id" TEXT NOT NULL,
    "role_id" TEXT NOT NULL,
    "role_type" "role_type" NOT NULL DEFAULT 'USER',

    CONSTRAINT "organization_invitation_roles_pkey" PRIMARY KEY ("invitation_id","role_id")
);

-- CreateTable
CREATE TABLE "organization_jit_domains" (
    "organization_id" TEXT NOT NULL,
    "email_domain" CITEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_jit_domains_pkey" PRIMARY KEY ("organization_id","email_domain")
);

-- CreateTable
CREATE TABLE "organization_jit_roles" (
    "organization_id" TEXT NOT NULL,
    "role_id" TEXT NOT NULL,
    "role_type" "role_type" NOT NULL DEFAULT 'USER',

    CONSTRAINT "organization_jit_roles_pkey" PRIMARY KEY ("organization_id","role_id")
);

-- CreateTable
CREATE TABLE "signing_keys" (
    "kid" TEXT NOT NULL,
    "algorithm" VARCHAR(16) NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "encrypted_private_key" TEXT NOT NULL,
    "status" "signing_key_status" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" VARCHAR(128) NOT NULL,
    "target_type" VARCHAR(64),
    "target_id" TEXT,
    "organization_id" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_primary_email_key" ON "users"("primary_email");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE INDEX "users_created_at_id_idx" ON "users"("created_at", "id");

-- CreateIndex
CREATE INDEX "user_identities_user_id_idx" ON "user_identities"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_identities_issuer_subject_key" ON "user_identities"("issuer", "subject");

-- CreateIndex
CREATE INDEX "applications_created_at_id_idx" ON "applications"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "applications_id_type_key" ON "applications"("id", "type");

-- CreateIndex
CREATE UNIQUE INDEX "api_resources_indicator_key" ON "api_resources"("indicator");

-- CreateIndex
CREATE INDEX "api_resources_created_at_id_idx" ON "api_resources"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "resource_scopes_resource_id_name_key" ON "resource_scopes"("resource_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "roles_name_key" ON "roles"("name");

-- CreateIndex
CREATE INDEX "roles_created_at_id_idx" ON "roles"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "roles_id_type_key" ON "roles"("id", "type");

-- CreateIndex
CREATE INDEX "role_scopes_scope_id_idx" ON "role_scopes"("scope_id");

-- CreateIndex
CREATE INDEX "user_roles_role_id_role_type_idx" ON "user_roles"("role_id", "role_type");

-- CreateIndex
CREATE INDEX "application_roles_role_id_role_type_idx" ON "application_roles"("role_id", "role_type");

-- CreateIndex
CREATE UNIQUE INDEX "organization_scopes_name_key" ON "organization_scopes"("name");

-- CreateIndex
CREATE INDEX "organization_scopes_created_at_id_idx" ON "organization_scopes"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "organization_roles_name_key" ON "organization_roles"("name");

-- CreateIndex
CREATE INDEX "organization_roles_created_at_id_idx" ON "organization_roles"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "organization_roles_id_type_key" ON "organization_roles"("id", "type");

-- CreateIndex
CREATE INDEX "organization_role_scopes_scope_id_idx" ON "organization_role_scopes"("scope_id");

-- CreateIndex
CREATE INDEX "organization_role_resource_scopes_scope_id_idx" ON "organization_role_resource_scopes"("scope_id");

-- CreateIndex
CREATE INDEX "organizations_created_at_id_idx" ON "organizations"("created_at", "id");

-- CreateIndex
CREATE INDEX "organization_memberships_user_id_idx" ON "organization_memberships"("user_id");

-- CreateIndex
CREATE INDEX "organization_user_roles_role_id_role_type_organization_id_idx" ON "organization_user_roles"("role_id", "role_type", "organization_id");

-- CreateIndex
CREATE INDEX "organization_applications_application_id_application_type_idx" ON "organization_applications"("application_id", "application_type");

-- CreateIndex
CREATE INDEX "organization_application_roles_role_id_role_type_organizati_idx" ON "organization_application_roles"("role_id", "role_type", "organization_id");

-- CreateIndex
CREATE INDEX "organization_invitations_organization_id_created_at_id_idx" ON "organization_invitations"("organization_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "organization_invitations_invitee_idx" ON "organization_invitations"("invitee");

-- CreateIndex
CREATE INDEX "organization_invitations_inviter_id_idx" ON "organization_invitations"("inviter_id");

-- CreateIndex
CREATE INDEX "organization_invitations_accepted_user_id_idx" ON "organization_invitations"("accepted_user_id");

-- CreateIndex
CREATE INDEX "organization_invitation_roles_role_id_role_type_idx" ON "organization_invitation_roles"("role_id", "role_type");

-- CreateIndex
CREATE INDEX "organization_jit_domains_email_domain_idx" ON "organization_jit_domains"("email_domain");

-- CreateIndex
CREATE INDEX "organization_jit_roles_role_id_role_type_idx" ON "organization_jit_roles"("role_id", "role_type");

-- CreateIndex
CREATE INDEX "signing_keys_status_created_at_idx" ON "signing_keys"("status", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_at_idx" ON "audit_events"("organization_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_id_idx" ON "audit_events"("target_type", "target_id");

-- AddForeignKey
ALTER TABLE "user_identities" ADD CONSTRAINT "user_identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "resource_scopes" ADD CONSTRAINT "resource_scopes_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "api_resources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_scopes" ADD CONSTRAINT "role_scopes_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_scopes" ADD CONSTRAINT "role_scopes_scope_id_fkey" FOREIGN KEY ("scope_id") REFERENCES "resource_scopes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_role_id_role_type_fkey" FOREIGN KEY ("role_id", "role_type") REFERENCES "roles"("id", "type") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "application_roles" ADD CONSTRAINT "application_roles_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_roles" ADD CONSTRAINT "application_roles_role_id_role_type_fkey" FOREIGN KEY ("role_id", "role_type") REFERENCES "roles"("id", "type") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "organization_role_scopes" ADD CONSTRAINT "organization_role_scopes_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "organization_roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_role_scopes" ADD CONSTRAINT "organization_role_scopes_scope_id_fkey" FOREIGN KEY ("scope_id") REFERENCES "organization_scopes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_role_resource_scopes" ADD CONSTRAINT "organization_role_resource_scopes_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "organization_roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_role_resource_scopes" ADD CONSTRAINT "organization_role_resource_scopes_scope_id_fkey" FOREIGN KEY ("scope_id") REFERENCES "resource_scopes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_memberships" ADD CONSTRAINT "organization_memberships_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_memberships" ADD CONSTRAINT "organization_memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_user_roles" ADD CONSTRAINT "organization_user_roles_organization_id_user_id_fkey" FOREIGN KEY ("organization_id", "user_id") REFERENCES "organization_memberships"("organization_id", "user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_user_roles" ADD CONSTRAINT "organization_user_roles_role_id_role_type_fkey" FOREIGN KEY ("role_id", "role_type") REFERENCES "organization_roles"("id", "type") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "organization_applications" ADD CONSTRAINT "organization_applications_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_applications" ADD CONSTRAINT "organization_applications_application_id_application_type_fkey" FOREIGN KEY ("application_id", "application_type") REFERENCES "applications"("id", "type") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "organization_application_roles" ADD CONSTRAINT "organization_application_roles_organization_id_application_fkey" FOREIGN KEY ("organization_id", "application_id") REFERENCES "organization_applications"("organization_id", "application_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_application_roles" ADD CONSTRAINT "organization_application_roles_role_id_role_type_fkey" FOREIGN KEY ("role_id", "role_type") REFERENCES "organization_roles"("id", "type") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "organization_invitations" ADD CONSTRAINT "organization_invitations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_invitations" ADD CONSTRAINT "organization_invitations_inviter_id_fkey" FOREIGN KEY ("inviter_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_invitations" ADD CONSTRAINT "organization_invitations_accepted_user_id_fkey" FOREIGN KEY ("accepted_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_invitation_roles" ADD CONSTRAINT "organization_invitation_roles_invitation_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "organization_invitations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_invitation_roles" ADD CONSTRAINT "organization_invitation_roles_role_id_role_type_fkey" FOREIGN KEY ("role_id", "role_type") REFERENCES "organization_roles"("id", "type") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "organization_jit_domains" ADD CONSTRAINT "organization_jit_domains_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_jit_roles" ADD CONSTRAINT "organization_jit_roles_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "organization_jit_roles" ADD CONSTRAINT "organization_jit_roles_role_id_role_type_fkey" FOREIGN KEY ("role_id", "role_type") REFERENCES "organization_roles"("id", "type") ON DELETE CASCADE ON UPDATE RESTRICT;


-- Beyond Prisma: role and application types. The composite foreign keys above tie each
-- assignment to its role's (id, type); these pin the type each assignment table accepts.
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_role_type_check" CHECK ("role_type" = 'USER');
ALTER TABLE "application_roles" ADD CONSTRAINT "application_roles_role_type_check" CHECK ("role_type" = 'MACHINE_TO_MACHINE');
ALTER TABLE "organization_user_roles" ADD CONSTRAINT "organization_user_roles_role_type_check" CHECK ("role_type" = 'USER');
ALTER TABLE "organization_applications" ADD CONSTRAINT "organization_applications_application_type_check" CHECK ("application_type" = 'MACHINE_TO_MACHINE');
ALTER TABLE "organization_application_roles" ADD CONSTRAINT "organization_application_roles_role_type_check" CHECK ("role_type" = 'MACHINE_TO_MACHINE');
ALTER TABLE "organization_invitation_roles" ADD CONSTRAINT "organization_invitation_roles_role_type_check" CHECK ("role_type" = 'USER');
ALTER TABLE "organization_jit_roles" ADD CONSTRAINT "organization_jit_roles_role_type_check" CHECK ("role_type" = 'USER');

-- Beyond Prisma: value rules.
ALTER TABLE "resource_scopes" ADD CONSTRAINT "resource_scopes_name_check" CHECK ("name" <> '' AND "name" !~ '\s');
ALTER TABLE "api_resources" ADD CONSTRAINT "api_resources_access_token_ttl_check" CHECK ("access_token_ttl" > 0);

-- Beyond Prisma: at most one pending invitation per invitee and organization.
CREATE UNIQUE INDEX "organization_invitations_pending_key" ON "organization_invitations"("organization_id", "invitee") WHERE "status" = 'PENDING';
