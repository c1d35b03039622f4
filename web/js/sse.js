// Server-sent events over a fetch() body (the chat stream is a POST, which EventSource cannot send).

/**
 * Read `event:`/`data:` records from a streaming response and call `onEvent(type, data)` for each.
 * @param {Response} response a successful streaming response
 * @param {(type: string, data: any) => void} onEvent
 */
export async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const flush = (record) => {
    let type = "message";
    const data = [];
    for (const line of record.split(/\r?\n|\r/)) {
      if (line.startsWith("event:")) type = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (!data.length) return;
    const text = data.join("\n");
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Plain-text data is passed through.
    }
    onEvent(type, parsed);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const records = buffer.split(/\r?\n\r?\n|\r\r/);
    buffer = records.pop();
    records.forEach(flush);
  }
  buffer += decoder.decode();
  if (buffer.trim()) flush(buffer);
}
