// Tagged templates instead of JSX: the page runs as written, with no build step.
import { h } from 'preact';
import htm from 'htm';

/** `html\`<div class=${c}>…</div>\`` → preact elements. */
export const html = htm.bind(h);
