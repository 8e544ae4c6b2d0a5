namespace Gateway.Inference.Grammar;

/// <summary>A schema or tool definition that cannot be turned into a grammar; a client error.</summary>
public sealed class GrammarException(string message) : Exception(message);
