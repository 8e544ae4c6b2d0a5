namespace Gateway.Trainer;

/// <summary>
/// The chat template of models trained on agent traces: ChatML, with the offered tools written compactly as one
/// system message (<c>Tools: name(arg,arg) name(arg)</c>) so that a small model with a short context sees them in a
/// few dozen characters, not the full JSON schemas a template without tools would get as instructions. The
/// ModelServer probes the template, finds that it writes tools, and renders them through it; assistant tool calls
/// are left to the server, which writes them as <c>&lt;tool_call&gt;{…}&lt;/tool_call&gt;</c> text. The template names
/// no tool-call markers, so the server keeps the generic call format, whose grammar the completions follow.
/// </summary>
internal static class RoleTemplate
{
    public const string Source =
        "{%- if tools is defined and tools -%}" +
        "{{- '<|im_start|>system\nTools:' -}}" +
        "{%- for tool in tools -%}" +
        "{%- set f = tool['function'] -%}" +
        "{{- ' ' + f['name'] + '(' -}}" +
        "{%- if f['parameters'] is defined and f['parameters'] is mapping and f['parameters']['properties'] is defined -%}" +
        "{%- for key in f['parameters']['properties'] -%}{{- (',' if not loop.first else '') + key -}}{%- endfor -%}" +
        "{%- endif -%}" +
        "{{- ')' -}}" +
        "{%- endfor -%}" +
        "{{- '<|im_end|>\n' -}}" +
        "{%- endif -%}" +
        "{%- for message in messages -%}" +
        "{{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' -}}" +
        "{%- endfor -%}" +
        "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}";
}
