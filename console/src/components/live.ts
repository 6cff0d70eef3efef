// Live updates: a change event from a subscription refetches the queries a page shows.
import { useEffect, useRef } from "react";
import { type AnyVariables, type TypedDocumentNode, useSubscription } from "urql";

export function useRefetchOnChange<Variables extends AnyVariables>(
  subscription: TypedDocumentNode<unknown, Variables>,
  variables: Variables,
  refetch: () => void,
  pause = false,
) {
  const latest = useRef(refetch);
  latest.current = refetch;
  const [{ data }] = useSubscription({ query: subscription, variables, pause });
  useEffect(() => {
    if (data) latest.current();
  }, [data]);
}
