/** Does nothing: the handler for failures that must stay silent. */
export const noop = (): void => {};
