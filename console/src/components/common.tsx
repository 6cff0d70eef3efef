// Building blocks every page shares: errors in words, search, cursor pagination, JSON fields, and
// the two dialogs every page opens (a form; a confirmation before deleting).
import { Alert, Button, Card, Group, Modal, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { type ReactNode, useEffect, useState } from "react";
import type { CombinedError } from "urql";
import { describeError } from "../errors.ts";

export type ErrorLike = CombinedError | undefined | null | string;

export function ErrorAlert({ error, title = "That did not work" }: { error: ErrorLike; title?: string }) {
  const text = typeof error === "string" ? error : describeError(error);
  if (!text) return null;
  return (
    <Alert color="red" title={title} role="alert">
      {text}
    </Alert>
  );
}

/** A search box whose value settles 300 ms after typing stops. */
export function useSearch(): [string, string, (value: string) => void] {
  const [value, setValue] = useState("");
  const [settled] = useDebouncedValue(value, 300);
  return [value, settled, setValue];
}

export function SearchInput({ value, onChange, label }: { value: string; onChange: (value: string) => void; label: string }) {
  return (
    <TextInput
      aria-label={label}
      placeholder={label}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      w={320}
    />
  );
}

export const PAGE_SIZE = 20;

export type PageVariables = { first: number; after?: string } | { last: number; before?: string };

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** Cursor pagination over a connection; back to the first page whenever `resetKey` changes. */
export function usePages(resetKey: unknown, size = PAGE_SIZE) {
  const [page, setPage] = useState<PageVariables>({ first: size });
  useEffect(() => setPage({ first: size }), [resetKey, size]);
  return {
    variables: page,
    next: (info: PageInfo) => setPage({ first: size, after: info.endCursor ?? undefined }),
    previous: (info: PageInfo) => setPage({ last: size, before: info.startCursor ?? undefined }),
    /** Reads on from a cursor the server gave (going newer when `newer`), or from the first page when it gave none. */
    resume: (cursor: string | null, newer: boolean) =>
      setPage(cursor === null ? { first: size } : newer ? { last: size, before: cursor } : { first: size, after: cursor }),
  };
}

export function Pager({
  pageInfo,
  totalCount,
  pages,
  noun,
}: {
  pageInfo: PageInfo | undefined;
  totalCount: number | undefined;
  pages: ReturnType<typeof usePages>;
  noun: string;
}) {
  if (!pageInfo) return null;
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed">
        {totalCount ?? 0} {noun}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" disabled={!pageInfo.hasPreviousPage} onClick={() => pages.previous(pageInfo)}>
          Previous page
        </Button>
        <Button variant="default" size="xs" disabled={!pageInfo.hasNextPage} onClick={() => pages.next(pageInfo)}>
          Next page
        </Button>
      </Group>
    </Group>
  );
}

/** Parses a JSON object field: undefined when empty, an error message when not an object. */
export function parseJsonObject(text: string): { value?: Record<string, unknown> | null; error?: string } {
  if (!text.trim()) return { value: null };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "Must be a JSON object, such as {\"plan\": \"pro\"}." };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function JsonObjectField({ label, value, onChange, error, disabled }: { label: string; value: string; onChange: (value: string) => void; error?: string | undefined; disabled?: boolean }) {
  return (
    <Textarea
      label={label}
      description="A JSON object; empty for none."
      autosize
      minRows={3}
      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
      disabled={disabled}
    />
  );
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** What a detail page shows until its item is there: the query's error, "not found", or nothing while loading. */
export function NotLoaded({ data, error, noun }: { data: unknown; error: CombinedError | undefined; noun: string }) {
  if (error) return <ErrorAlert error={error} />;
  if (data) return <ErrorAlert title="Not found" error={`This ${noun} does not exist (any more).`} />;
  return null;
}

/** What a mutation's button needs to know of it (urql's state). */
export interface Progress {
  fetching: boolean;
  error?: CombinedError | undefined;
}

/**
 * A dialog holding one form: its fields, the error, Cancel and the submit button. `done` replaces
 * the form once it has something to show only once (a secret, an invitation token).
 */
export function FormDialog({
  title,
  opened = true,
  onClose,
  onSubmit,
  submitLabel,
  progress,
  disabled,
  size,
  done,
  children,
}: {
  title: string;
  opened?: boolean;
  onClose: () => void;
  onSubmit: () => Promise<unknown> | void;
  submitLabel: string;
  progress: Progress | Progress[];
  disabled?: boolean;
  size?: string;
  done?: ReactNode;
  children: ReactNode;
}) {
  const all = Array.isArray(progress) ? progress : [progress];
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size}>
      {done ?? (
        <form onSubmit={(event) => { event.preventDefault(); void onSubmit(); }}>
          <Stack>
            {children}
            <ErrorAlert error={all.find((state) => state.error)?.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>Cancel</Button>
              <Button type="submit" loading={all.some((state) => state.fetching)} disabled={disabled}>{submitLabel}</Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** A card that deletes something after a confirmation saying what goes with it, then leaves for its list. */
export function DeleteCard({ noun, name, consequence, intro, remove, leaveTo }: {
  /** "organization", "user": the card's heading and button say "Delete <noun>". */
  noun: string;
  name: string;
  /** What goes with it, in the confirmation. */
  consequence: string;
  /** A line on the card itself. */
  intro?: string;
  /** The delete mutation, bound to the item. */
  remove: () => Promise<{ data?: unknown; error?: CombinedError | undefined }>;
  /** The list page to show once it is gone. */
  leaveTo: "/organizations" | "/users" | "/applications" | "/api-resources";
}) {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [progress, setProgress] = useState<Progress>({ fetching: false });
  const confirm = async () => {
    setProgress({ fetching: true });
    const result = await remove();
    setProgress({ fetching: false, error: result.error });
    if (!result.data) return;
    setOpen(false);
    notifications.show({ message: `${name} deleted.` });
    await navigate({ to: leaveTo });
  };
  return (
    <Card withBorder>
      <Stack align="flex-start">
        <Title order={2} size="h4">Delete {noun}</Title>
        {intro && <Text size="sm">{intro}</Text>}
        <Button color="red" onClick={() => setOpen(true)}>Delete {noun}</Button>
      </Stack>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Delete ${name}?`}>
        <Stack>
          <Text>{consequence}</Text>
          <ErrorAlert error={progress.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button color="red" loading={progress.fetching} onClick={() => void confirm()}>Delete</Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
