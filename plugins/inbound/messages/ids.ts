import { randomBytes } from 'node:crypto';

/**
 * A message id in Anthropic's form, derived from the upstream's id when there is one (so logs
 * of both sides can be matched), random otherwise.
 */
export function messageId(upstreamId: string | undefined): string {
  if (upstreamId === undefined || upstreamId === '') return `msg_${randomBytes(12).toString('hex')}`;
  if (upstreamId.startsWith('msg_')) return upstreamId;
  return `msg_${upstreamId.replace(/^chatcmpl-/, '')}`;
}

/** For a tool call the upstream sent without an id (chat servers that omit it). */
export function toolUseId(): string {
  return `toolu_${randomBytes(12).toString('hex')}`;
}
