/**
 * `JSON.parse` that never throws: undefined for a missing or malformed value.
 *
 * @example parseJson('{"a":1}') // { a: 1 }; parseJson('{') // undefined
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const parseJson = (text?: string | null): any => {
  try {
    return JSON.parse(text!);
  } catch {
    /* undefined */
  }
};
