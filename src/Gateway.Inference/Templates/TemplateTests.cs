namespace Gateway.Inference.Templates;

/// <summary>The tests of <c>x is name</c>, and of <c>selectattr</c>/<c>rejectattr</c>, as @huggingface/jinja defines them.</summary>
internal static class TemplateTests
{
    public static bool Exists(string name) => name is "boolean" or "callable" or "odd" or "even" or "false" or "true" or "none" or "string"
        or "number" or "integer" or "iterable" or "mapping" or "sequence" or "lower" or "upper" or "defined" or "undefined" or "equalto" or "eq";

    public static bool Run(string name, object? operand, object? argument, bool hasArgument) => name switch
    {
        "boolean" => operand is bool,
        "callable" => operand is JFunction,
        "odd" => operand is long l ? l % 2 != 0 : throw new TemplateRuntimeException($"cannot odd on {TemplateValue.TypeName(operand)}"),
        "even" => operand is long e ? e % 2 == 0 : throw new TemplateRuntimeException($"cannot even on {TemplateValue.TypeName(operand)}"),
        "false" => operand is false,
        "true" => operand is true,
        "none" => operand is null,
        "string" => operand is string,
        "number" => operand is long or double,
        "integer" => operand is long,
        "iterable" => operand is JArray { IsTuple: false } or string,
        "mapping" => operand is JObject,
        "sequence" => operand is JArray or JObject or string,
        "lower" => operand is string s && string.Equals(s, s.ToLowerInvariant(), StringComparison.Ordinal),
        "upper" => operand is string u && string.Equals(u, u.ToUpperInvariant(), StringComparison.Ordinal),
        "defined" => operand is not Undefined,
        "undefined" => operand is Undefined,
        "equalto" or "eq" => hasArgument
            ? TemplateValue.StrictEquals(operand, argument)
            : throw new TemplateRuntimeException("Cannot read properties of undefined (reading 'value')"),
        _ => throw new TemplateRuntimeException($"Unknown test: {name}"),
    };
}
