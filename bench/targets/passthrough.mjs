// The bare pass-through: the thinnest node:http server that forwards a request's body upstream
// and the answer's status, headers and body back, through a keep-alive agent. No parsing, no
// routing, no logging: the practical limit of one Node proxy hop, which every gateway figure in
// the results is divided by. Plain JavaScript, run without a loader.
//
// usage: node bench/targets/passthrough.mjs --port N --upstream http://127.0.0.1:M
import { Agent, createServer, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } } });
const upstream = new URL(values.upstream ?? 'http://127.0.0.1:8080');
const agent = new Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: Infinity, maxFreeSockets: 4096 });

const server = createServer((req, res) => {
  const up = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"upstream failed","type":"api_error","param":null,"code":null}}');
  });
  // The client leaving tears down the upstream call, as a gateway must.
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.listen(Number(values.port), '127.0.0.1', 511, () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
