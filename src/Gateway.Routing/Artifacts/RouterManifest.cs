using System.Text.Json.Serialization;

namespace Gateway.Routing.Artifacts;

/// <summary>The JSON manifest <c>router.json</c> of a router artefact directory (see docs/router-artifact.md).</summary>
internal sealed record RouterManifest
{
    public const string FormatName = "gateway-router";
    public const int CurrentVersion = 1;

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("formatVersion")] public int FormatVersion { get; init; } = CurrentVersion;
    [JsonPropertyName("createdUtc")] public DateTimeOffset CreatedUtc { get; init; }
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";
    [JsonPropertyName("encoder")] public EncoderInfo Encoder { get; init; } = new();
    [JsonPropertyName("tasks")] public List<string> Tasks { get; init; } = [];
    [JsonPropertyName("predictor")] public PredictorInfo Predictor { get; init; } = new();
    [JsonPropertyName("capabilities")] public Dictionary<string, float[]> Capabilities { get; init; } = [];

    /// <summary>Learned expected cost of a call per model; omitted when the training data had no per-call costs.</summary>
    [JsonPropertyName("costs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, CostInfo>? Costs { get; init; }

    internal sealed record CostInfo
    {
        [JsonPropertyName("perCallUsd")] public double PerCallUsd { get; init; }
        [JsonPropertyName("perPromptTokenUsd")] public double PerPromptTokenUsd { get; init; }
        [JsonPropertyName("calls")] public int Calls { get; init; }
    }

    internal sealed record EncoderInfo
    {
        [JsonPropertyName("id")] public string Id { get; init; } = "";
        [JsonPropertyName("dimension")] public int Dimension { get; init; }
    }

    internal sealed record PredictorInfo
    {
        [JsonPropertyName("kind")] public string Kind { get; init; } = "capability-bilinear-v1";
        [JsonPropertyName("hidden")] public int Hidden { get; init; }
        [JsonPropertyName("alpha")] public float Alpha { get; init; }
        [JsonPropertyName("bias")] public float Bias { get; init; }

        /// <summary>Prompt-shape features the contrast head reads; 0 (omitted) when the predictor has none.</summary>
        [JsonPropertyName("contrastFeatures")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public int ContrastFeatures { get; init; }

        /// <summary>Predictors averaged (an ensemble); 1 (omitted) for a single one.</summary>
        [JsonPropertyName("ensemble")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public int Ensemble { get; init; }
        [JsonPropertyName("weightsFile")] public string WeightsFile { get; init; } = RouterArtifactStore.WeightsFileName;
        [JsonPropertyName("weightsSha256")] public string WeightsSha256 { get; init; } = "";
    }
}
