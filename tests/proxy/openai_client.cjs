// The official `openai` npm client, unchanged except for its base URL,
// talking to a provider through the aitrail proxy. Prints what it saw as
// JSON on stdout; tests/proxy/openai_node_client.py checks it against the trail.
'use strict';

const OpenAI = require(process.env.OPENAI_MODULE);

const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL,
  apiKey: process.env.OPENAI_API_KEY,
  defaultHeaders: { 'X-Aitrail-User': 'node-user' },
  maxRetries: 0,
  timeout: 60_000,
});

const tagged = (tag) => ({ headers: { 'X-Aitrail-Tags': tag } });
const ask = [{ role: 'user', content: 'hello from the node client' }];

async function main() {
  const seen = {};

  const chat = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask }, tagged('node-chat'));
  seen.chat = { content: chat.choices[0].message.content, usage: chat.usage };

  const stream = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: ask, stream: true, stream_options: { include_usage: true } },
    tagged('node-chat-stream'));
  let text = '';
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    if (chunk.choices.length > 0) text += chunk.choices[0].delta.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  seen.chat_stream = { content: text, usage, chunks };

  const response = await client.responses.create({ model: 'gpt-5.4', input: 'a responses call' }, tagged('node-responses'));
  seen.responses = { output_text: response.output_text, usage: response.usage };

  const events = await client.responses.create(
    { model: 'gpt-5.4', input: 'a streamed responses call', stream: true }, tagged('node-responses-stream'));
  let completed = null;
  for await (const event of events) if (event.type === 'response.completed') completed = event.response;
  seen.responses_stream = { output_text: completed?.output?.[0]?.content?.[0]?.text ?? null, usage: completed?.usage };

  try {
    await client.chat.completions.create({ model: 'gpt-emu-fault-429', messages: ask }, tagged('node-429'));
    seen.rate_limited = { status: null };
  } catch (err) {
    seen.rate_limited = { status: err.status ?? null, type: err.type ?? err.error?.type ?? null };
  }

  try {
    const cut = await client.chat.completions.create(
      { model: 'gpt-emu-fault-cutoff', messages: ask, stream: true, stream_options: { include_usage: true } },
      tagged('node-cutoff'));
    let got = '';
    for await (const chunk of cut) if (chunk.choices.length > 0) got += chunk.choices[0].delta.content ?? '';
    seen.cutoff = { error: null, content: got };
  } catch (err) {
    seen.cutoff = { error: String(err.message || err) };
  }

  process.stdout.write(JSON.stringify(seen) + '\n');
}

main().catch((err) => {
  process.stderr.write(`openai client failed: ${err.stack || err}\n`);
  process.exit(1);
});
