/**
 * Wire contract of `POST {host}/v1/decide`, spoken by `personalize.js` and the collector.
 *
 * Request: `Content-Type: text/plain` (no CORS preflight), body JSON `DecideRequest`.
 * Response 200: JSON `DecideResponse`. Errors: 400 `{ error }` (bad body), 401 (unknown
 * write key), 403 (origin not allowed for the key), 429. The banner script treats any
 * non-200 answer like no answer: the default content stays.
 */

/** Page context of the decision (audience rules may read it). */
export interface DecidePage {
  url: string;
  path: string;
  referrer: string;
}

export interface DecideRequest {
  /** Public write key of the site (`wk_...`). */
  writeKey: string;
  /** The visitor's own ids, as the SDK stamps them on events. */
  anonymousId: string;
  userId?: string;
  /** Distinct `data-portrait-slot` names on the page (at most 20). */
  slots: string[];
  page: DecidePage;
}

/** Design tokens; the collector validates them and the script re-checks each pattern. */
export interface BannerTheme {
  /** Hex colours: `#rgb`, `#rrggbb` or `#rrggbbaa`. */
  background?: string;
  text?: string;
  accent?: string;
  accentText?: string;
  /** `0px`..`48px`. */
  radius?: string;
  align?: 'left' | 'center' | 'right';
}

/** What a banner shows. Every string is plain text (placeholders already resolved). */
export interface BannerContent {
  headline: string;
  body?: string;
  /** `url`: absolute http(s) or relative. */
  cta?: { label: string; url: string };
  image?: { url: string; alt: string };
  theme?: BannerTheme;
}

/**
 * The decision for one slot:
 * - a variant: render `content`, report impressions/clicks with `campaign` and `variant`;
 * - the holdout: keep the page's default content, report impressions/clicks with `holdout: true`;
 * - `null`: no campaign for this visitor; default content, nothing reported.
 */
export type SlotDecision =
  | { campaign: string; variant: string; holdout: false; content: BannerContent }
  | { campaign: string; variant: null; holdout: true }
  | null;

export interface DecideResponse {
  /** One entry per requested slot name. */
  slots: Record<string, SlotDecision>;
}
