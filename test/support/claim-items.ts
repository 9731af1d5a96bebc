/**
 * Handler tests mock the document client by command. A claim with its content is read with one
 * BatchGetItem of its two items (META and META#CONTENT, shared/store/claims.ts `get`):
 * `claimBatchGet(find)` answers it with the META item `find` returns for the partition key (a META
 * that still holds its claim reads as a whole claim); keys of other items find nothing.
 */
export function claimBatchGet(find: (pk: string) => Record<string, unknown> | undefined) {
  return (input: { RequestItems?: Record<string, { Keys?: Record<string, unknown>[] }> }) => {
    const [table, request] = Object.entries(input.RequestItems ?? {})[0] ?? ['', {}];
    const items = (request.Keys ?? []).flatMap((key) => {
      const item = key.SK === 'META' ? find(String(key.PK)) : undefined;
      return item ? [item] : [];
    });
    return { Responses: { [table]: items } };
  };
}
