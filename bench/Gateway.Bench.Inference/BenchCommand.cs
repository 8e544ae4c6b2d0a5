using System.CommandLine;
using System.Globalization;
using Gateway.Inference.Gguf;

namespace Gateway.Bench.Inference;

/// <summary>
/// <c>run</c>: measures tokens/s for 1, 4 and 8 concurrent streams, served over HTTP (the ModelServer, and with
/// <c>--gateway</c> the whole gateway in front of it) and in-process.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo?>("--model") { Description = "GGUF to benchmark; omitted, a synthetic random-weight model is written." };
        var embedding = new Option<int>("--embedding") { Description = "Hidden size of the synthetic model.", DefaultValueFactory = _ => 256 };
        var layers = new Option<int>("--layers") { Description = "Blocks of the synthetic model.", DefaultValueFactory = _ => 4 };
        var tokens = new Option<int>("--tokens") { Description = "Tokens generated per stream.", DefaultValueFactory = _ => 256 };
        var threads = new Option<int?>("--threads") { Description = "Decode threads for both paths (default: every core, as the ModelServer)." };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved rounds; the best of each is reported.", DefaultValueFactory = _ => 2 };
        var gateway = new Option<FileInfo?>("--gateway")
        {
            Description = "A built Gateway.Host.dll: also measure through the real gateway, started with the model as its local catalog entry.",
        };
        var f16 = new Option<bool>("--f16") { Description = "Write the synthetic model's matrices as F16 (default F32); the same as --matrix-type F16." };
        var matrixType = new Option<GgufTensorType?>("--matrix-type") { Description = "Element type of the synthetic model's matrices: F32 (default), F16, BF16, Q8_0 or Q4_0." };
        var vocabulary = new Option<int?>("--vocabulary") { Description = "Vocabulary size of the synthetic model (padded with filler tokens); default the tiny vocabulary's few hundred." };
        var sharedKv = new Option<bool>("--shared-kv-cache") { Description = "One KV cache for all sequences (the model option SharedKvCache), in the server and in-process; default one per sequence." };
        var noPrefixCache = new Option<bool>("--no-prefix-cache")
        {
            Description = "Turn the model server's prefix cache off (the model option PrefixCache): every stream decodes its whole prompt, as the in-process loops do.",
        };
        var batchedExecutor = new Option<bool>("--batched-executor")
        {
            Description = "Also time LLamaSharp's BatchedExecutor in-process. It decodes on thread-pool threads, which leaves OpenMP " +
                "in this process sleeping between steps, so the in-process loop measured after it runs slower too.",
        };
        var embeddingRequest = new Option<bool>("--embedding-request")
        {
            Description = "After the rounds, send one /v1/embeddings request to the ModelServer and time its single stream again.",
        };
        var gpuLayers = new Option<int>("--gpu-layers") { Description = "Layers offloaded to the GPU in every path (the model option GpuLayers); needs --native-lib pointing at a GPU build.", DefaultValueFactory = _ => 0 };
        var nativeLib = new Option<string?>("--native-lib") { Description = "libllama.so (or its folder) to load in every path instead of LLamaSharp's bundled CPU build (the model option NativeLibraryPath)." };
        var noInProcess = new Option<bool>("--no-in-process") { Description = "Skip the in-process baseline: only the ModelServer over HTTP (and the gateway) are timed." };
        var results = new Option<FileInfo?>("--results") { Description = "Also write the results as tab-separated lines: path, streams, tokens/s, median time to first token in ms." };
        var streams = new Option<string>("--streams") { Description = "Concurrent stream counts, comma separated.", DefaultValueFactory = _ => "1,4,8" };
        var command = new Command("run", "Run the benchmark and print tokens/s, the serving ratio and the batching gain.")
        {
            model, embedding, layers, tokens, threads, streams, rounds, gateway, f16, matrixType, sharedKv, vocabulary, noPrefixCache,
            batchedExecutor, embeddingRequest, gpuLayers, nativeLib, noInProcess, results,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var counts = parse.GetValue(streams)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var settings = new BenchSettings(parse.GetValue(tokens), counts, parse.GetValue(threads), parse.GetValue(rounds), parse.GetValue(gateway), parse.GetValue(sharedKv), !parse.GetValue(noPrefixCache))
            {
                BatchedExecutor = parse.GetValue(batchedExecutor),
                EmbeddingRequest = parse.GetValue(embeddingRequest),
                GpuLayers = parse.GetValue(gpuLayers),
                NativeLibrary = parse.GetValue(nativeLib) is { Length: > 0 } lib ? Path.GetFullPath(lib) : null,
                InProcess = !parse.GetValue(noInProcess),
                Results = parse.GetValue(results),
            };
            var path = parse.GetValue(model)?.FullName;
            var temp = path is null ? Directory.CreateTempSubdirectory("bench-model-").FullName : null;
            try
            {
                if (path is null)
                {
                    path = Path.Combine(temp!, "synthetic.gguf");
                    var e = parse.GetValue(embedding);
                    var options = new TinyModelOptions
                    {
                        EmbeddingLength = e,
                        FeedForwardLength = e * 3,
                        BlockCount = parse.GetValue(layers),
                        HeadCount = Math.Max(1, e / 64),
                        HeadCountKv = Math.Max(1, e / 64),
                        HalfPrecision = parse.GetValue(f16),
                        MatrixType = parse.GetValue(matrixType),
                        VocabularySize = parse.GetValue(vocabulary),
                    };
                    TinyModel.Write(path, options);
                }
                await Benchmark.RunAsync(path, settings, cancellation);
                return 0;
            }
            finally
            {
                if (temp is not null)
                {
                    Directory.Delete(temp, recursive: true);
                }
            }
        });
        return command;
    }
}

internal sealed record BenchSettings(int Tokens, int[] Streams, int? Threads, int Rounds, FileInfo? Gateway = null, bool SharedKvCache = false, bool PrefixCache = true)
{
    /// <summary>Also time LLamaSharp's BatchedExecutor in-process (the last column).</summary>
    public bool BatchedExecutor { get; init; }

    /// <summary>Time the single stream again after one embedding request.</summary>
    public bool EmbeddingRequest { get; init; }

    /// <summary>Layers offloaded to the GPU in every path.</summary>
    public int GpuLayers { get; init; }

    /// <summary>The llama.cpp library (file or folder) every path loads; null for LLamaSharp's bundled CPU build.</summary>
    public string? NativeLibrary { get; init; }

    /// <summary>Time the in-process baseline too (default); off, only the served paths are timed.</summary>
    public bool InProcess { get; init; } = true;

    /// <summary>Where to write the results as tab-separated lines, if anywhere.</summary>
    public FileInfo? Results { get; init; }

    /// <summary>The context both in-process baselines decode in: room for every stream, one sequence each.</summary>
    public LLama.Common.ModelParams ContextParams(string path, int streams)
    {
        var parameters = new LLama.Common.ModelParams(path)
        {
            ContextSize = (uint)((Tokens + 64) * streams),
            SeqMax = (uint)streams,
            KVUnified = SharedKvCache, // As the ModelServer: by default a KV cache per sequence.
            BatchSize = 512,
            UBatchSize = 512,
            GpuLayerCount = GpuLayers,
        };
        // The ModelServer's default when no thread count is set: every core.
        var threads = Threads ?? Environment.ProcessorCount;
        parameters.Threads = threads;
        parameters.BatchThreads = threads;
        return parameters;
    }
}
