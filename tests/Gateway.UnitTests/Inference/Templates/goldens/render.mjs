// Renders every chat template with @huggingface/jinja (the Hugging Face ecosystem's reference renderer) over the
// conversations in conversations.json and writes goldens.json. Run through regen.sh.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [, , hfJinjaDir, templatesDir, outFile] = process.argv;
const { Environment, Interpreter, tokenize, parse } = await import(pathToFileURL(join(hfJinjaDir, "dist", "index.js")).href);
const input = JSON.parse(readFileSync(new URL("./conversations.json", import.meta.url), "utf8"));
const now = new Date(input.now);
const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

// strftime_now at the fixed moment, in UTC, with English month names (what the C# engine gets in the tests).
function strftime(format) {
  const pad = (n) => String(n).padStart(2, "0");
  return format.replace(/%[YmdbBHM%]/g, (t) => ({
    "%Y": String(now.getUTCFullYear()), "%m": pad(now.getUTCMonth() + 1), "%d": pad(now.getUTCDate()),
    "%b": months[now.getUTCMonth()].slice(0, 3), "%B": months[now.getUTCMonth()], "%H": pad(now.getUTCHours()),
    "%M": pad(now.getUTCMinutes()), "%%": "%",
  })[t]);
}

// The same normalisation as ChatTemplateInput: content as one string, developer as system, arguments as objects.
function normalise(messages) {
  return messages.map((m) => {
    const out = { ...m };
    if (out.role === "developer") out.role = "system";
    out.content = typeof m.content === "string" ? m.content
      : Array.isArray(m.content) ? m.content.filter((p) => typeof p?.text === "string").map((p) => p.text).join("") : "";
    if (Array.isArray(out.tool_calls)) {
      out.tool_calls = out.tool_calls.map((c) => {
        if (typeof c?.function?.arguments !== "string") return c;
        let args;
        try { args = JSON.parse(c.function.arguments); } catch { args = c.function.arguments; }
        return { ...c, function: { ...c.function, arguments: args } };
      });
    }
    return out;
  });
}

function render(program, conversation) {
  const env = new Environment();
  const globals = {
    false: false, true: true, none: null, True: true, False: false, None: null,
    raise_exception: (message) => { throw new Error(message); },
    range: (start, stop, step = 1) => {
      if (stop === undefined) { stop = start; start = 0; }
      const r = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) r.push(i);
      return r;
    },
    strftime_now: strftime,
    messages: normalise(conversation.messages),
    add_generation_prompt: conversation.add_generation_prompt ?? true,
    bos_token: input.bos_token,
    eos_token: input.eos_token,
  };
  if (conversation.tools) globals.tools = input.tools;
  for (const [k, v] of Object.entries(globals)) env.set(k, v);
  return new Interpreter(env).run(program).value;
}

const goldens = {};
for (const file of readdirSync(templatesDir).filter((f) => f.endsWith(".jinja")).sort()) {
  const source = readFileSync(join(templatesDir, file), "utf8");
  const entry = { sha256: createHash("sha256").update(source).digest("hex"), cases: {} };
  let program;
  try {
    program = parse(tokenize(source, { lstrip_blocks: true, trim_blocks: true }));
  } catch (e) {
    entry.parseError = String(e.message);
    goldens[file] = entry;
    continue;
  }
  for (const [name, conversation] of Object.entries(input.conversations)) {
    try {
      entry.cases[name] = { prompt: render(program, conversation) };
    } catch (e) {
      entry.cases[name] = { error: String(e.message) };
    }
  }
  goldens[file] = entry;
}
writeFileSync(outFile, JSON.stringify(goldens, null, 1) + "\n");
console.log(`wrote ${Object.keys(goldens).length} templates to ${outFile}`);
