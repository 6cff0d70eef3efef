// One way to show a connection: a table whose columns are data (a header and a cell per node), a
// line when it is empty, and its pages; one searchable list around it (search box, filters, the
// create action, errors); and one list page (heading, introduction, that list). Every list of the
// console is one of these with other columns.
import { Button, Group, Stack, Table, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { ErrorAlert, type ErrorLike, Pager, type PageInfo, SearchInput, usePages, useSearch } from "./common.tsx";

export interface Column<Node> {
  header: ReactNode;
  cell: (node: Node) => ReactNode;
}

export interface Connection<Node> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: readonly { node: Node }[];
}

/**
 * A search box's text and the pages of the list it filters: back to the first page on a new
 * search or when `filterKey` (the list's other filters) changes.
 */
export function useSearchedPages(filterKey: unknown = "") {
  const [search, settled, setSearch] = useSearch();
  const pages = usePages(`${settled}|${JSON.stringify(filterKey)}`);
  return { search, settled, setSearch, pages, variables: { search: settled || undefined, ...pages.variables } };
}

export type SearchedPages = ReturnType<typeof useSearchedPages>;

interface TableProps<Node> {
  /** The table's accessible name. */
  label: string;
  connection: Connection<Node> | null | undefined;
  columns: Column<Node>[];
  rowKey: (node: Node) => string;
  /** Plural, lower case: "users". */
  noun: string;
  busy?: boolean;
}

export function ConnectionTable<Node>({
  label,
  connection,
  columns,
  rowKey,
  pages,
  noun,
  searching = false,
  busy,
}: TableProps<Node> & { pages: ReturnType<typeof usePages>; searching?: boolean }) {
  return (
    <>
      <Table striped aria-label={label} aria-busy={busy}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column, index) => (
              <Table.Th key={index}>{column.header}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connection?.edges.map(({ node }) => (
            <Table.Tr key={rowKey(node)}>
              {columns.map((column, index) => (
                <Table.Td key={index}>{column.cell(node)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {connection?.totalCount === 0 && <Text c="dimmed">No {noun}{searching ? " match" : " yet"}.</Text>}
      <Pager pageInfo={connection?.pageInfo} totalCount={connection?.totalCount} pages={pages} noun={noun} />
    </>
  );
}

type SearchableListProps<Node> = TableProps<Node> & {
  list: SearchedPages;
  /** Defaults to "Search <noun>". */
  searchLabel?: string;
  /** Controls beside the search box (a type, a status). */
  filters?: ReactNode;
  /** The create button, when the token may create. */
  action?: ReactNode;
  error?: ErrorLike;
};

/** A searchable, paged list: the search box and any filters, the create action, errors, the table. */
export function SearchableList<Node>({ list, searchLabel, filters, action, error, ...table }: SearchableListProps<Node>) {
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <SearchInput label={searchLabel ?? `Search ${table.noun}`} value={list.search} onChange={list.setSearch} />
          {filters}
        </Group>
        {action}
      </Group>
      <ErrorAlert error={error} />
      <ConnectionTable {...table} pages={list.pages} searching={Boolean(list.settled)} />
    </Stack>
  );
}

/** A page that is one list: its heading with the create action, an introduction, the list. */
export function ListPage<Node>({
  title,
  intro,
  action,
  children,
  ...list
}: Omit<SearchableListProps<Node>, "label"> & {
  title: string;
  intro?: ReactNode;
  /** Dialogs the page opens. */
  children?: ReactNode;
}) {
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{title}</Title>
        {action}
      </Group>
      {intro}
      <SearchableList label={title} {...list} />
      {children}
    </Stack>
  );
}

export interface RowAction {
  label: string;
  /** The button's accessible name, naming the row ("Delete invite:users"). */
  name: string;
  onClick: () => void;
  danger?: boolean;
}

/** A row's buttons, at the end of the row. */
export function RowActions({ actions }: { actions: RowAction[] }) {
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      {actions.map((action) => (
        <Button key={action.label} size="xs" variant={action.danger ? "subtle" : "default"} color={action.danger ? "red" : undefined} aria-label={action.name} onClick={action.onClick}>
          {action.label}
        </Button>
      ))}
    </Group>
  );
}
