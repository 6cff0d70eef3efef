// Machine-to-machine applications and their client secrets. Secrets are random, shown once, and
// stored only as a SHA-256 hash: they carry 256 bits of entropy, so a slow hash adds nothing.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { GatehouseError } from "../errors.js";
import type { Application } from "../generated/prisma/client.js";
import { type DomainContext, type Transaction, change } from "./context.js";
import { fieldChanges } from "./events.js";
import { description, jsonObject, parseInput, text } from "./input.js";
import { applicationMembers, removalEvent } from "./members.js";
import { definedOnly } from "./template.js";

/** Prefix that makes leaked secrets recognizable by secret scanners. */
const SECRET_PREFIX = "ghs_";

export function generateClientSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function hashClientSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function secretMatches(secret: string, hash: string): boolean {
  const given = Buffer.from(hashClientSecret(secret), "hex");
  const stored = Buffer.from(hash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

// ---------------------------------------------------------------------------------------------
// Management
// ---------------------------------------------------------------------------------------------

const createInput = z.object({ name: text(256), description: description(256), customData: jsonObject.optional() });
const updateInput = z.object({ name: text(256).optional(), description: description(256), customData: jsonObject.optional() });

/** An application with its client secret: returned once, when the secret is made. */
export interface ApplicationWithSecret {
  application: Application;
  clientSecret: string;
}

export async function createApplication(context: DomainContext, input: unknown): Promise<ApplicationWithSecret> {
  const data = parseInput(createInput, input);
  const clientSecret = generateClientSecret();
  const application = await change(
    context,
    (tx) => tx.application.create({ data: { ...definedOnly(data), secretHash: hashClientSecret(clientSecret) } }),
    (created) => ({ action: "application.created", targetId: created.id, data: { name: created.name } }),
  );
  return { application, clientSecret };
}

/** Changes the given fields; `customData` is replaced as a whole. */
export async function updateApplication(context: DomainContext, id: string, input: unknown): Promise<Application> {
  const data = parseInput(updateInput, input);
  return change(
    context,
    async (tx) => {
      const before = await requireApplication(tx, id);
      return { before, after: await tx.application.update({ where: { id }, data: definedOnly(data) }) };
    },
    ({ before, after }) => ({ action: "application.updated", targetId: id, data: fieldChanges(before, after, data) }),
  ).then(({ after }) => after);
}

/** Deletes the application with its organization memberships and roles, and its global roles. */
export async function deleteApplication(context: DomainContext, id: string): Promise<string> {
  return change(
    context,
    async (tx) => {
      const application = await requireApplication(tx, id);
      const organizationIds = await applicationMembers.organizationsOf(tx, id);
      await tx.application.delete({ where: { id } });
      return { application, organizationIds };
    },
    ({ application, organizationIds }) => [
      { action: "application.deleted", targetId: application.id, data: { name: application.name } },
      ...organizationIds.map((organizationId) => removalEvent(applicationMembers, application.id, organizationId, "application.deleted")),
    ],
  ).then(({ application }) => application.id);
}

/** Replaces the client secret: the old one stops working as soon as this commits. */
export async function rotateApplicationSecret(context: DomainContext, id: string): Promise<ApplicationWithSecret> {
  const clientSecret = generateClientSecret();
  const application = await change(
    context,
    async (tx) => {
      await requireApplication(tx, id);
      return tx.application.update({ where: { id }, data: { secretHash: hashClientSecret(clientSecret) } });
    },
    (rotated) => ({ action: "application.secret_rotated", targetId: rotated.id, data: {} }),
  );
  return { application, clientSecret };
}

export async function requireApplication(tx: Transaction, id: string): Promise<Application> {
  const application = await tx.application.findUnique({ where: { id } });
  if (!application) throw new GatehouseError("NOT_FOUND", `no application with id ${id}`, { field: "id" });
  return application;
}
