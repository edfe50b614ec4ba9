/** Property of an injected chunk's script element through which the chunk finds what it needs. */
export const CHUNK_VALUE = 'portraitCore';

/**
 * Script-tag builds: appends `<script src>` for one of the lazy chunks beside
 * `portrait.js` (web vitals, debug checks). The chunk's code reads `value` from its
 * own script element (`document.currentScript[CHUNK_VALUE]`). A CSP `nonce` is
 * copied so strict pages keep working; injected scripts run async.
 *
 * @example loadChunk('https://collect.example.com/portrait-vitals.js', tag.nonce, core)
 */
export const loadChunk = (src: string, nonce: string | undefined, value: unknown): void => {
  document.head.appendChild(Object.assign(document.createElement('script'), { src, nonce: nonce || '', [CHUNK_VALUE]: value }));
};
