/**
 * What `node --cpu-prof` showed where a goal was missed, and what changed (recorded by hand: a profile is a
 * one-off investigation, not something every run repeats). Rendered under the HTTP tables.
 */
export const PROFILE_NOTES = '';
