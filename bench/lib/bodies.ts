/**
 * The requests the benchmark sends: a chat completion of about 1 KB (a system prompt and a user
 * turn, as a real application sends), made unique per request so a cache is looked up and missed.
 */
const system =
  'You are a support assistant for an online shop. Answer in two or three short sentences, in the language of the ' +
  'customer, quoting the order number when one is given. Never invent delivery dates, prices or stock levels; say ' +
  'that you will check instead. Keep a friendly, plain tone.';
const user =
  'Hello, I ordered a pair of walking boots last Tuesday (order 4471-XB-2290) and the tracking page has said ' +
  '"label created" for five days now. I need them for a trip on the 14th. Could you tell me whether the parcel has ' +
  'actually left the warehouse, and if it has not, whether I can switch to express delivery or pick them up from a ' +
  'store near the station instead? I am happy to pay the difference. My customer number is 88120-A and my phone ' +
  'number is on the order. Thanks a lot for your help. Request';

/** A chat body; `id` goes into the user turn and `user`, so no two requests are alike. */
export function chatBody(model: string, id: string, stream = false): string {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: `${user} ${id}` },
    ],
    temperature: 0.2,
    max_tokens: 256,
    user: `bench-${id}`,
    ...(stream ? { stream: true } : {}),
  });
}

/** The same body with autocannon's `[<id>]` placeholder. */
export const chatBodyTemplate = (model: string): string => chatBody(model, '[<id>]');

/** The same conversation on Anthropic's Messages API (`max_tokens` is required there). */
export function messagesBody(model: string, id: string, stream = false): string {
  return JSON.stringify({
    model,
    system,
    messages: [{ role: 'user', content: `${user} ${id}` }],
    temperature: 0.2,
    max_tokens: 256,
    metadata: { user_id: `bench-${id}` },
    ...(stream ? { stream: true } : {}),
  });
}

export function embeddingsBody(model: string): string {
  return JSON.stringify({ model, input: 'The quick brown fox jumps over the lazy dog.' });
}
