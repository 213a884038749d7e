#!/usr/bin/env bash
# Running Switchyard for a team, with nothing but curl: a team, a key with limits and a budget,
# a call made with that key, its cost in the spend log, the rate limit's refusal (429) and the
# budget's (402).
#
# Run (with a gateway on :4000 started with a master key, e.g.
#   SWITCHYARD_MASTER_KEY=sk-admin OPENAI_API_KEY=sk-… npm start):
#   bash examples/team.sh [model]
#
# Environment:
#   SWITCHYARD_URL         the gateway (default http://localhost:4000)
#   SWITCHYARD_MASTER_KEY  the master key (the admin API accepts nothing else)
set -euo pipefail

URL="${SWITCHYARD_URL:-http://localhost:4000}"
MASTER="${SWITCHYARD_MASTER_KEY:?set SWITCHYARD_MASTER_KEY}"
MODEL="${1:-gpt-4o-mini}"
ADMIN=(curl -fsS --max-time 30 -H "Authorization: Bearer ${MASTER}" -H 'Content-Type: application/json')
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

echo '--- a team with a monthly budget'
TEAM=$("${ADMIN[@]}" "${URL}/team/new" -d '{"team_alias": "research", "max_budget": 50, "budget_duration": "1mo"}' | field team_id)
echo "team_id: ${TEAM}"

echo '--- a key for that team: 2 requests a minute, $5 a month (the plaintext is shown this once)'
KEY=$("${ADMIN[@]}" "${URL}/key/generate" \
  -d "{\"key_alias\": \"alice-laptop\", \"team_id\": \"${TEAM}\", \"rpm_limit\": 2, \"max_budget\": 5, \"budget_duration\": \"1mo\", \"models\": [\"${MODEL}\"]}" | field key)
echo "key: ${KEY:0:6}… (keep it; only its hash is stored)"

echo '--- two calls with the key: each answer says what it cost'
for i in 1 2; do
  curl -fsS --max-time 30 -D - -o /dev/null -H "Authorization: Bearer ${KEY}" -H 'Content-Type: application/json' \
    "${URL}/v1/chat/completions" -d "{\"model\": \"${MODEL}\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}" \
    | grep -i -E '^(x-switchyard-response-cost|x-ratelimit-remaining-requests):'
done

echo '--- the third call in the same minute is refused (429, Retry-After)'
curl -sS --max-time 30 -o /dev/null -w 'status: %{http_code}\n' -H "Authorization: Bearer ${KEY}" -H 'Content-Type: application/json' \
  "${URL}/v1/chat/completions" -d "{\"model\": \"${MODEL}\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"

echo '--- a key with a budget of $0.000001: the call that crosses it completes, the next is refused (402)'
TINY=$("${ADMIN[@]}" "${URL}/key/generate" -d "{\"key_alias\": \"tiny-budget\", \"max_budget\": 0.000001, \"models\": [\"${MODEL}\"]}" | field key)
BODY=$(mktemp)
for i in 1 2; do
  # Spend is charged when an answer ends: give the gateway a moment between the two calls.
  sleep 0.3
  curl -sS --max-time 30 -D - -o "${BODY}" -w 'status: %{http_code}\n' -H "Authorization: Bearer ${TINY}" -H 'Content-Type: application/json' \
    "${URL}/v1/chat/completions" -d "{\"model\": \"${MODEL}\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}" \
    | grep -i -E '^(status|x-should-retry):'
done
cat "${BODY}"; echo
rm -f "${BODY}"

echo '--- the spend log (rows are written in batches, about once a second)'
sleep 1.5
"${ADMIN[@]}" "${URL}/spend/logs/v2?key_alias=alice-laptop&page_size=5"
echo
