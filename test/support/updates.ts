/** The reason an update validator gave (the failure's cause), as the API would show it. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e as Error & { cause?: Error },
  );
  if (!err) throw new Error('the update was accepted');
  return err.cause?.message ?? err.message;
}
