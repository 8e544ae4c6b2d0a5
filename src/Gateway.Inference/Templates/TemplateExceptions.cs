namespace Gateway.Inference.Templates;

#pragma warning disable SA1649, SA1402 // The engine's three failures are kept together.

/// <summary>The template's text cannot be parsed; raised when a model's template is compiled.</summary>
internal sealed class TemplateSyntaxException(string message) : Exception(message);

/// <summary>Rendering failed for this conversation: a type error, an unknown filter, or a limit reached.</summary>
internal class TemplateRuntimeException(string message) : Exception(message);

/// <summary>The template called <c>raise_exception</c>: it refuses this conversation, with its own message.</summary>
internal sealed class TemplateRaisedException(string message) : TemplateRuntimeException(message);

/// <summary>A limit of <see cref="ChatTemplateLimits"/> was reached while rendering.</summary>
internal sealed class TemplateLimitException(string message) : TemplateRuntimeException(message);
