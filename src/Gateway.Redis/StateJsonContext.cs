using System.Text.Json.Serialization;
using Gateway.State;

namespace Gateway.Redis;

/// <summary>JSON of what the Redis stores keep; snake_case like the rest of the wire.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RequestRecord))]
[JsonSerializable(typeof(FeedbackOutcome))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
