#!/usr/bin/env bash
# Switchyard with nothing but curl: chat, a stream, embeddings, the model list, and an error.
#
# Run (with a gateway on :4000, e.g. `OPENAI_API_KEY=sk-… npm start`):
#   bash examples/curl_examples.sh [model]
#
# Environment:
#   SWITCHYARD_URL      the gateway's OpenAI base URL (default http://localhost:4000/v1)
#   SWITCHYARD_API_KEY  the gateway's master key (sent as `Authorization: Bearer …`)
#   MODEL               chat model, when not given as the first argument (default gpt-4o-mini)
#   EMBEDDING_MODEL     embeddings model (default text-embedding-3-small)
#
# Each call fails the script if the gateway answers an unexpected status.
set -euo pipefail

URL="${SWITCHYARD_URL:-http://localhost:4000/v1}"
KEY="${SWITCHYARD_API_KEY:-no-key}"
MODEL="${1:-${MODEL:-gpt-4o-mini}}"
EMBEDDING_MODEL="${EMBEDDING_MODEL:-text-embedding-3-small}"

# -f: fail on HTTP errors; -sS: quiet, but show transport errors; bounded so a hung gateway cannot hang us.
CURL=(curl -fsS --max-time 30 -H "Authorization: Bearer ${KEY}" -H 'Content-Type: application/json')

echo '--- chat'
"${CURL[@]}" "${URL}/chat/completions" \
  -d "{\"model\": \"${MODEL}\", \"messages\": [{\"role\": \"user\", \"content\": \"Say hello in five words.\"}]}"
echo

echo '--- stream (server-sent events, one `data:` line per chunk, then `data: [DONE]`)'
# -N: print each event as it arrives instead of buffering.
"${CURL[@]}" -N "${URL}/chat/completions" \
  -d "{\"model\": \"${MODEL}\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"Count to three.\"}]}"

echo '--- embeddings'
"${CURL[@]}" "${URL}/embeddings" -d "{\"model\": \"${EMBEDDING_MODEL}\", \"input\": [\"first text\", \"second text\"]}"
echo

echo '--- models'
"${CURL[@]}" "${URL}/models"
echo

echo '--- an error: an unknown model gets 404 with OpenAI'"'"'s error envelope'
# No -f here: we want the status and the body. -w appends the status on a line of its own.
response=$(curl -sS --max-time 30 -w '\n%{http_code}' "${URL}/chat/completions" \
  -H "Authorization: Bearer ${KEY}" -H 'Content-Type: application/json' \
  -d '{"model": "no-such-model", "messages": [{"role": "user", "content": "hi"}]}')
status="${response##*$'\n'}"
echo "${response%$'\n'*}"
echo "status: ${status}"
if [ "${status}" != "404" ]; then
  echo "expected 404 for an unknown model, got ${status}" >&2
  exit 1
fi
