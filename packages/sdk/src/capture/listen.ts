/** `addEventListener` that returns its own removal (plugins return these as teardown). */
export const listen = (
  target: EventTarget,
  type: string,
  fn: (e: never) => unknown,
  options?: AddEventListenerOptions | boolean,
): (() => void) => {
  target.addEventListener(type, fn as EventListener, options);
  return () => target.removeEventListener(type, fn as EventListener, options);
};

/** Runs every teardown in `offs`. */
export const all = (offs: (() => void)[]) => () => offs.forEach((f) => f());
