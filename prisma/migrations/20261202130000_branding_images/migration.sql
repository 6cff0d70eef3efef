-- Organization branding images uploaded to Gatehouse (issue 12): stored once per content,
-- addressed by the SHA-256 of their bytes, so a new upload gets a new URL and every URL can be
-- cached forever. An organization's branding columns hold the public URL of such an image, or a
-- URL given directly. Images no organization refers to are deleted when a slot is replaced.
CREATE TABLE "branding_images" (
    "sha256" CHAR(64) NOT NULL,
    "media_type" VARCHAR(32) NOT NULL,
    "bytes" BYTEA NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "branding_images_pkey" PRIMARY KEY ("sha256")
);
