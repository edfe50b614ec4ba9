/**
 * Masks what looks like personal data in captured text: email addresses, card and
 * account numbers, phone numbers and national ids (any run of 9+ digits with
 * spaces, dots, dashes, slashes or brackets between them, e.g. `4111 1111 1111 1111`,
 * `+44 20 7946 0958`, `123-45-6789`), and UK-style ids (`AB123456C`).
 * Prices, years and dates (8 digits or fewer) stay readable.
 *
 * @example mask('Mail jo@example.com') // 'Mail ***'
 */
export const mask = (text: string): string =>
  text
    .replace(/[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/gi, '***')
    .replace(/\b[a-z]{2}\d{6}[a-d]\b/gi, '***')
    .replace(/\+?\d(?:[\s().\/-]*\d){8,}/g, '***');
