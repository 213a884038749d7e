// A fast OpenAI-wire upstream for the benchmark: non-stream chat, streamed chat (N chunks with a
// configurable gap) and embeddings, with an optional fixed latency. Plain JavaScript on node:http,
// run without a loader, so the reference is as cheap as possible and the same for every target.
//
// It is strict where it is cheap: POST, a JSON content type, a Bearer key and a known path, else
// OpenAI's error envelope. Settings change at run time through `POST /__bench/config`
// (never forwarded by a gateway, since only the harness calls it directly).
//
// usage: node bench/mock/upstream.mjs --port 0   → prints {"port":N} on stdout once listening
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });

/** Run-time settings (the harness changes them between scenarios). */
const settings = { latencyMs: 0, chunks: 20, gapMs: 5, dimensions: 256 };
const counters = { chat: 0, stream: 0, embeddings: 0, rejected: 0 };

const created = 1_731_000_000;
const completionBody = JSON.stringify({
  id: 'chatcmpl-bench0000000000000000000000',
  object: 'chat.completion',
  created,
  model: 'gpt-4o-mini-2024-07-18',
  system_fingerprint: 'fp_bench',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content:
          'Switchyard benchmark answer. A typical short chat completion is a few hundred bytes of JSON: an id, the model, one choice with the assistant message and a finish reason, and the token usage.',
        refusal: null,
      },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 240, completion_tokens: 42, total_tokens: 282 },
});
const completionBytes = Buffer.from(completionBody);
const jsonHeaders = { 'content-type': 'application/json', 'content-length': String(completionBytes.length) };

const chunkFrame = (delta, finish) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion.chunk',
    created,
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_bench',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  })}\n\n`;
const firstFrame = chunkFrame({ role: 'assistant', content: '', refusal: null }, null);
const wordFrame = chunkFrame({ content: ' token' }, null);
const lastFrame = chunkFrame({}, 'stop');
// The usage-only chunk OpenAI sends last when `stream_options.include_usage` is set (the gateway
// asks for it when a plugin needs usage, e.g. spend or a translated Messages stream).
const usageFrame = `data: ${JSON.stringify({
  id: 'chatcmpl-bench0000000000000000000000',
  object: 'chat.completion.chunk',
  created,
  model: 'gpt-4o-mini-2024-07-18',
  system_fingerprint: 'fp_bench',
  choices: [],
  usage: { prompt_tokens: 240, completion_tokens: 18, total_tokens: 258 },
})}\n\n`;
const doneFrame = 'data: [DONE]\n\n';
const sseHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

let embeddingBytes = Buffer.alloc(0);
function buildEmbedding() {
  const vector = Array.from({ length: settings.dimensions }, (_, i) => Math.round(Math.sin(i) * 1e6) / 1e6);
  embeddingBytes = Buffer.from(
    JSON.stringify({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: vector }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    }),
  );
}
buildEmbedding();

function reject(res, status, message, code) {
  counters.rejected++;
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/**
 * Streams `settings.chunks` chunk events (the first carries the role, the last the finish reason)
 * `gapMs` apart, then [DONE] with the last one (and the usage chunk before it when asked); stops
 * if the client leaves.
 */
function stream(res, usage) {
  const total = Math.max(2, settings.chunks);
  const gap = settings.gapMs;
  res.writeHead(200, sseHeaders);
  res.write(firstFrame);
  let sent = 1;
  const step = () => {
    if (res.destroyed) return;
    if (sent < total - 1) {
      res.write(wordFrame);
      sent++;
      setTimeout(step, gap);
      return;
    }
    res.end(usage ? lastFrame + usageFrame + doneFrame : lastFrame + doneFrame);
  };
  setTimeout(step, gap);
}

function answer(req, res, body) {
  const url = req.url;
  if (url === '/v1/chat/completions') {
    // A substring test, not a parse: the mock must stay cheap next to the load generator.
    if (body.includes('"stream":true')) {
      counters.stream++;
      stream(res, body.includes('"include_usage":true'));
    } else {
      counters.chat++;
      res.writeHead(200, jsonHeaders);
      res.end(completionBytes);
    }
    return;
  }
  if (url === '/v1/embeddings') {
    counters.embeddings++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(embeddingBytes.length) });
    res.end(embeddingBytes);
    return;
  }
  reject(res, 404, `Unknown request URL: POST ${url}`, 'unknown_url');
}

const server = createServer((req, res) => {
  if (req.url === '/__bench/config' || req.url === '/__bench/counters') {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      if (req.url === '/__bench/config' && text !== '') {
        Object.assign(settings, JSON.parse(text));
        buildEmbedding();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ settings, counters }));
    });
    return;
  }
  if (req.method !== 'POST') return reject(res, 405, 'method not allowed', 'method_not_allowed');
  const auth = req.headers.authorization;
  if (auth === undefined || !auth.startsWith('Bearer ') || auth.length < 10) {
    return reject(res, 401, 'You did not provide an API key.', 'invalid_api_key');
  }
  if (!String(req.headers['content-type']).startsWith('application/json')) {
    return reject(res, 400, 'content-type must be application/json', 'invalid_content_type');
  }
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    const body = (parts.length === 1 ? parts[0] : Buffer.concat(parts)).toString('latin1');
    if (body.length === 0 || body.charCodeAt(0) !== 123 /* { */) return reject(res, 400, 'body must be a JSON object', 'invalid_json');
    if (settings.latencyMs > 0) setTimeout(answer, settings.latencyMs, req, res, body);
    else answer(req, res, body);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.maxRequestsPerSocket = 0;
server.listen(Number(values.port), values.host, 511, () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
