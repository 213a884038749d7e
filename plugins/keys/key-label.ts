/**
 * How many hex characters of a key's hash tell keys apart where a person reads them (a spend
 * chart's legend, a log line). The admin page uses the same length. A prefix of a SHA-256 says
 * nothing about the key, and is too short to look a key up by: it only tells two keys apart.
 */
export const KEY_REF_LENGTH = 6;

/** The short, non-secret reference of a key: the start of its hash (never of the key itself). */
export const keyRef = (token: string): string => token.slice(0, KEY_REF_LENGTH);
