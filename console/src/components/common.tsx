// Building blocks every page shares: errors in words, search, cursor pagination, JSON fields.
import { Alert, Button, Group, Text, Textarea, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useState } from "react";
import type { CombinedError } from "urql";
import { describeError } from "../errors.ts";

export function ErrorAlert({ error, title = "That did not work" }: { error: CombinedError | undefined | null | string; title?: string }) {
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
