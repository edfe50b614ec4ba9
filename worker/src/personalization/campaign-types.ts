import type { JsonValue } from '@portrait/protocol';

/**
 * A personalization campaign as marketers configure it through `/v1/campaigns`.
 * Variants are structured content, never HTML: the banner script renders each field
 * as text with DOM APIs.
 */
export type CampaignStatus = 'draft' | 'active' | 'paused' | 'archived';

/** Who sees the campaign: everyone, members of a saved segment, or an inline segment rule. */
export type Audience = { everyone: true } | { segment: string } | { rule: JsonValue };

/** Design tokens a variant may set; values are checked against a pattern per token. */
export type ThemeToken = 'background' | 'text' | 'accent' | 'accentText' | 'radius' | 'align';

export interface VariantContent {
  /** Text, may hold allow-listed placeholders: `Welcome back, {{traits.firstName | default: "there"}}`. */
  headline: string;
  body?: string;
  cta?: { label: string; url: string };
  image?: { url: string; alt: string };
  theme?: Partial<Record<ThemeToken, string>>;
}

export interface Variant {
  /** Stable id within the campaign (`[A-Za-z0-9_-]`, 1-40). */
  id: string;
  name: string;
  content: VariantContent;
}

/** What counts as a conversion: an event (optionally with matching properties) within `windowHours` of seeing the slot. */
export interface Goal {
  event: string;
  where?: Record<string, string | number | boolean>;
  windowHours: number;
}

export interface FrequencyCap {
  /** Most banner impressions per visitor... */
  impressions: number;
  /** ...within this many hours. */
  periodHours: number;
}

/** A campaign as validated for saving (the store adds `id`, `createdAt`, `updatedAt`). */
export interface CampaignInput {
  name: string;
  slot: string;
  audience: Audience;
  variants: Variant[];
  /** Share of visitors kept on the default content to measure honest uplift (0-0.5, default 0.1). */
  holdout: number;
  goal: Goal;
  /** ISO 8601 times; null = no bound. */
  startAt: string | null;
  endAt: string | null;
  /** Higher wins when several campaigns target one slot (integer, default 0). */
  priority: number;
  frequencyCap: FrequencyCap | null;
  status: CampaignStatus;
}

export interface Campaign extends CampaignInput {
  id: string;
  createdAt: string;
  updatedAt: string;
}

/** One problem with a submitted campaign, naming the field: `variants[1].content.cta.url`. */
export interface FieldError {
  field: string;
  message: string;
}
