namespace Gateway.Inference.Templates;

/// <summary>One level of variables: the globals, a loop body, a macro call; lookups walk up to the parent.</summary>
internal sealed class Scope(Scope? parent, RenderState state)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    /// <summary>The render this scope belongs to: its limits and counters.</summary>
    public RenderState State { get; } = state;

    /// <summary>Marks the scope a <c>{% call %}</c> block passes to its macro, through which the macro finds <c>caller</c>.</summary>
    public bool IsCallBlock { get; init; }

    public void Set(string name, object? value) => _variables[name] = value;

    public bool TryGetLocal(string name, out object? value) => _variables.TryGetValue(name, out value);

    public object? Lookup(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out var value))
            {
                return value;
            }
        }
        return Undefined.Instance;
    }
}

/// <summary>The counters one render shares across its scopes, checked against <see cref="ChatTemplateLimits"/>.</summary>
internal sealed class RenderState(ChatTemplateLimits limits, DateTimeOffset now)
{
    public ChatTemplateLimits Limits { get; } = limits;

    /// <summary>The moment <c>strftime_now</c> reports, fixed for the whole render.</summary>
    public DateTimeOffset Now { get; } = now;

    public long Iterations { get; private set; }

    public int CallDepth { get; set; }

    public void CountIterations(long count)
    {
        Iterations += count;
        if (Iterations > Limits.MaxIterations)
        {
            throw new TemplateLimitException($"The template ran more than {Limits.MaxIterations} loop iterations.");
        }
    }

    public void CheckOutput(int length)
    {
        if (length > Limits.MaxOutputChars)
        {
            throw new TemplateLimitException($"The rendered prompt is longer than {Limits.MaxOutputChars} characters.");
        }
    }
}
