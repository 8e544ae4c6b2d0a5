using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Routing.Costs;
using Gateway.Routing.Prediction;

namespace Gateway.Routing.Artifacts;

/// <summary>Reads and writes router artefact directories: <c>router.json</c> plus <c>predictor.bin</c>.</summary>
internal static class RouterArtifactStore
{
    public const string ManifestFileName = "router.json";
    public const string WeightsFileName = "predictor.bin";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Save(string directory, RouterArtifact artifact)
    {
        Directory.CreateDirectory(directory);
        var w = artifact.Weights;
        var bytes = WeightsCodec.Encode(w);
        var manifest = new RouterManifest
        {
            CreatedUtc = artifact.CreatedUtc,
            Dataset = artifact.Dataset,
            Encoder = new() { Id = artifact.EncoderId, Dimension = w.Dimension },
            Tasks = [.. w.Tasks],
            Predictor = new() { Hidden = w.Hidden, Alpha = w.Alpha, Bias = w.Bias, ContrastFeatures = w.Head?.Features ?? 0, Ensemble = w.Members.Count > 0 ? w.Members.Count + 1 : 0, WeightsSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) },
            Capabilities = artifact.Capabilities.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
            Costs = artifact.Costs.Count == 0 ? null : artifact.Costs.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
                p => p.Key, p => new RouterManifest.CostInfo { PerCallUsd = p.Value.PerCallUsd, PerPromptTokenUsd = p.Value.PerPromptTokenUsd, Calls = p.Value.Calls }),
        };

        // Weights first, manifest last: a reader never sees a manifest pointing at weights that are not there yet.
        WriteAtomically(Path.Combine(directory, WeightsFileName), bytes);
        WriteAtomically(Path.Combine(directory, ManifestFileName), JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
    }

    /// <summary>Loads an artefact; throws <see cref="RouterArtifactException"/> saying what is wrong.</summary>
    public static RouterArtifact Load(string directory, string? expectedEncoderId = null)
    {
        var manifestPath = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new RouterArtifactException($"No router artefact at '{directory}': {ManifestFileName} is missing.");
        }

        RouterManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<RouterManifest>(File.ReadAllBytes(manifestPath))
                ?? throw new RouterArtifactException($"'{manifestPath}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new RouterArtifactException($"'{manifestPath}' is not valid JSON: {ex.Message}", ex);
        }

        if (manifest.Format != RouterManifest.FormatName)
        {
            throw new RouterArtifactException($"'{manifestPath}' is not a router manifest (format '{manifest.Format}').");
        }

        if (manifest.FormatVersion != RouterManifest.CurrentVersion)
        {
            throw new RouterArtifactException($"'{manifestPath}' has format version {manifest.FormatVersion}; this gateway reads version {RouterManifest.CurrentVersion}.");
        }

        if (expectedEncoderId is not null && manifest.Encoder.Id != expectedEncoderId)
        {
            throw new RouterArtifactException($"The router at '{directory}' was trained with encoder '{manifest.Encoder.Id}', not '{expectedEncoderId}'.");
        }

        var weightsPath = Path.Combine(directory, manifest.Predictor.WeightsFile);
        if (!File.Exists(weightsPath))
        {
            throw new RouterArtifactException($"The router at '{directory}' lacks its weights file '{manifest.Predictor.WeightsFile}'.");
        }

        var bytes = File.ReadAllBytes(weightsPath);
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), manifest.Predictor.WeightsSha256, StringComparison.Ordinal))
        {
            throw new RouterArtifactException($"'{weightsPath}' does not match the checksum in {ManifestFileName}: the artefact is corrupt or mixed.");
        }

        PredictorWeights weights;
        try
        {
            weights = WeightsCodec.Decode(bytes, manifest);
            weights.Validate();
            if ((weights.Head?.Features ?? 0) != manifest.Predictor.ContrastFeatures)
            {
                throw new InvalidDataException($"the manifest declares {manifest.Predictor.ContrastFeatures} contrast features and the weights hold {weights.Head?.Features ?? 0}");
            }

            if (Math.Max(1, manifest.Predictor.Ensemble) != weights.Members.Count + 1)
            {
                throw new InvalidDataException($"the manifest declares an ensemble of {Math.Max(1, manifest.Predictor.Ensemble)} and the weights hold {weights.Members.Count + 1} predictors");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw new RouterArtifactException($"'{weightsPath}' is malformed: {ex.Message}", ex);
        }

        foreach (var (model, vector) in manifest.Capabilities)
        {
            if (vector.Length != manifest.Tasks.Count || !Array.TrueForAll(vector, v => v is >= 0 and <= 1))
            {
                throw new RouterArtifactException($"The capability vector of '{model}' in '{manifestPath}' must have {manifest.Tasks.Count} values in [0, 1].");
            }
        }

        var costs = new Dictionary<string, CallCostFit>(StringComparer.Ordinal);
        foreach (var (model, info) in manifest.Costs ?? [])
        {
            var fit = info is null ? null : new CallCostFit(info.PerCallUsd, info.PerPromptTokenUsd, info.Calls);
            if (fit is null || !fit.IsValid)
            {
                throw new RouterArtifactException($"The expected cost of '{model}' in '{manifestPath}' must have finite, non-negative perCallUsd and perPromptTokenUsd and a positive call count.");
            }

            costs[model] = fit;
        }

        return new RouterArtifact(manifest.Encoder.Id, weights, manifest.Capabilities, manifest.Dataset, manifest.CreatedUtc) { Costs = costs };
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
