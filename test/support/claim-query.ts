/**
 * Handler tests mock the document client by command. A claim with its content is read with one
 * Query of its partition (`begins_with(SK, 'META')`: META and META#CONTENT, shared/store/claims.ts):
 * `claimQuery(find)` answers such a Query with the META item `find` returns for the partition key
 * (a META that still holds its claim reads as a whole claim), and any other Query with no items.
 */
export function claimQuery(find: (pk: string) => Record<string, unknown> | undefined) {
  return (input: { ExpressionAttributeValues?: Record<string, unknown> }) => {
    const values = input.ExpressionAttributeValues ?? {};
    if (values[':meta'] !== 'META') return { Items: [] };
    const item = find(String(values[':pk']));
    return { Items: item ? [item] : [] };
  };
}
