/** Placeholder: wiring lands with the domain it calls. */
export const handler = async (): Promise<never> => {
  throw new Error('submit-batch: not implemented yet');
};
