"""The official OpenAI Python SDK against Switchyard: chat, streaming, tools, JSON mode,
embeddings and the model list. Only `base_url` and `api_key` differ from talking to OpenAI.

Run (with a gateway on :4000, e.g. `OPENAI_API_KEY=sk-... npm start`):
    pip install openai        # this example needs the `openai` package (1.x or later)
    python3 examples/openai_sdk.py [model]

Not run in CI: the test machines have python3 but not necessarily the `openai` package; the
TypeScript twin, examples/openai-sdk.ts, is the one the tests run.

Environment:
    SWITCHYARD_URL      the gateway's OpenAI base URL (default http://localhost:4000/v1)
    SWITCHYARD_API_KEY  the gateway's master key (or any key when the gateway has no auth)
    MODEL               chat model, when not given as the first argument (default gpt-4o-mini)
    EMBEDDING_MODEL     embeddings model (default text-embedding-3-small)
"""

import json
import os
import sys

try:
    import openai
    from openai import OpenAI
except ImportError:
    sys.exit("this example needs the OpenAI SDK: pip install openai")

base_url = os.environ.get("SWITCHYARD_URL", "http://localhost:4000/v1")
api_key = os.environ.get("SWITCHYARD_API_KEY", "no-key")
model = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MODEL", "gpt-4o-mini")
embedding_model = os.environ.get("EMBEDDING_MODEL", "text-embedding-3-small")

# The gateway retries and falls back itself; SDK retries on top would multiply the calls.
client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0)

# 1. Chat. The x-switchyard-* headers say which deployment answered.
raw = client.chat.completions.with_raw_response.create(
    model=model, messages=[{"role": "user", "content": "Say hello in five words."}]
)
chat = raw.parse()
print(f"chat: {chat.choices[0].message.content}")
print(f"  answered by {raw.headers.get('x-switchyard-provider')}/{raw.headers.get('x-switchyard-model')}")

# 2. Stream, with the token usage in the last chunk.
stream = client.chat.completions.create(
    model=model,
    stream=True,
    stream_options={"include_usage": True},
    messages=[{"role": "user", "content": "Count from one to five."}],
)
streamed, usage = "", None
for chunk in stream:
    if chunk.choices:
        streamed += chunk.choices[0].delta.content or ""
    usage = chunk.usage or usage
print(f"stream: {streamed}")
print(f"  usage: {usage.total_tokens if usage else 'not reported'} tokens")

# 3. Tools: the model asks for a call, we run it and send the result back.
tools = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
]
messages = [{"role": "user", "content": "What is the weather in Paris?"}]
first = client.chat.completions.create(model=model, messages=messages, tools=tools)
assistant = first.choices[0].message
if assistant.tool_calls:
    call = assistant.tool_calls[0]
    print(f"tool call: {call.function.name}({call.function.arguments})")
    messages.append(assistant)  # the SDK serialises its own message objects, as in OpenAI's guide
    messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps({"sky": "sunny", "celsius": 21})})
    second = client.chat.completions.create(model=model, messages=messages, tools=tools)
    print(f"tool answer: {second.choices[0].message.content}")
else:
    print(f"tool: the model answered without a call: {assistant.content}")

# 4. JSON mode (OpenAI requires the word "JSON" somewhere in the messages).
answer = client.chat.completions.create(
    model=model,
    response_format={"type": "json_object"},
    messages=[{"role": "user", "content": 'Reply with a JSON object with a "greeting" key.'}],
)
print(f"json: {json.loads(answer.choices[0].message.content or 'null')}")

# 5. Embeddings, a batch of two.
embeddings = client.embeddings.create(model=embedding_model, input=["first text", "second text"])
print(f"embeddings: {len(embeddings.data)} vectors of {len(embeddings.data[0].embedding)} dimensions")

# 6. The models this gateway serves (model groups and provider/model names).
ids = [m.id for m in client.models.list()]
print(f"models: {len(ids)} ({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''})")

# 7. Errors keep OpenAI's envelope, so the SDK's exception classes work.
try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
except openai.APIStatusError as err:
    print(f"error: {err.status_code} {err.code or err.type}: {err.message}")
