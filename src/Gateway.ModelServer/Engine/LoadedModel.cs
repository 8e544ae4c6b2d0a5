using System.Diagnostics;
using System.Text;
using Gateway.Inference.Grammar;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>The model's weights and its one decoding context, shared by every sequence.</summary>
internal sealed class LoadedModel : IDisposable
{
    private LoadedModel(ModelServerOptions options, LLamaWeights weights, LLamaContext context, TimeSpan loadTime, PromptTemplate template)
    {
        Options = options;
        Weights = weights;
        Context = context;
        LoadTime = loadTime;
        Template = template;
    }

    private JsonGrammarLimits? _grammarLimits;

    public ModelServerOptions Options { get; }
    public LLamaWeights Weights { get; }
    public LLamaContext Context { get; }
    public TimeSpan LoadTime { get; }

    /// <summary>The model's chat template, compiled at load.</summary>
    public PromptTemplate Template { get; }

    /// <summary>How free the JSON its grammars admit is (<see cref="ModelServerOptions.JsonGrammar"/>).</summary>
    public JsonGrammarLimits GrammarLimits => _grammarLimits ??= Options.JsonGrammar switch
    {
        "full" => JsonGrammarLimits.Full,
        "compact" => JsonGrammarLimits.Compact,
        _ => (long)Weights.ParameterCount < ModelServerOptions.CompactJsonParameterLimit ? JsonGrammarLimits.Compact : JsonGrammarLimits.Full,
    };
    public string Id => Options.ModelId;

    public static LoadedModel Load(ModelServerOptions options, ILogger logger, TimeProvider? time = null)
    {
        var file = new FileInfo(options.Path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Model file '{options.Path}' does not exist.", options.Path);
        }
        var started = Stopwatch.StartNew();
        var parameters = CreateParameters(options);
        var weights = LLamaWeights.LoadFromFile(parameters);
        try
        {
            CheckCacheType(options, weights);
            var template = PromptTemplate.Create(options, weights, logger, time ?? TimeProvider.System);
            var context = weights.CreateContext(parameters);
            ModelServerLog.ModelLoaded(logger, options.ModelId, file.FullName, started.ElapsedMilliseconds, file.Length, options.ParallelSequences, options.ContextSize);
            return new LoadedModel(options, weights, context, started.Elapsed, template);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    internal static ModelParams CreateParameters(ModelServerOptions options, bool embeddings = false)
    {
        var parameters = new ModelParams(options.Path)
        {
            // Room for every sequence's full context: one cache of this size shared by all, or split evenly among them.
            ContextSize = (uint)(options.ContextSize * (embeddings ? 1 : options.ParallelSequences)),
            SeqMax = (uint)(embeddings ? 1 : options.ParallelSequences),
            KVUnified = embeddings || options.SharedKvCache,
            BatchSize = (uint)Math.Max(options.BatchSize, embeddings ? options.ContextSize : 0),
            UBatchSize = (uint)Math.Max(options.BatchSize, embeddings ? options.ContextSize : 0),
            GpuLayerCount = options.GpuLayers,
            Embeddings = embeddings,
        };
        if (embeddings)
        {
            parameters.PoolingType = LLamaPoolingType.Mean;
        }
        if (options.KvCacheType is { } type)
        {
            parameters.TypeK = parameters.TypeV = CacheType(type);
        }
        parameters.FlashAttention = options.FlashAttention switch
        {
            "on" => true,
            "off" => false,
            _ => null,
        };
        // Every core by default, for single-token steps and batched ones alike: left to llama.cpp, a batched step
        // (several sequences decoding together) ran on fewer threads than the machine has and gained half as much.
        var threads = options.Threads ?? DefaultThreads;
        parameters.Threads = threads;
        parameters.BatchThreads = threads;
        return parameters;
    }

    /// <summary>
    /// A quantised KV cache stores each attention head's keys and values in blocks of 32. llama.cpp loads a model
    /// whose heads do not fill whole blocks all the same, and the tiny model's 16-wide heads then ended the server
    /// process on its first request; checked here, the load fails with the reason instead.
    /// </summary>
    private static void CheckCacheType(ModelServerOptions options, LLamaWeights weights)
    {
        if (!Gateway.Inference.Pool.KvCacheRules.IsQuantised(options.KvCacheType))
        {
            return;
        }
        var metadata = weights.Metadata;
        var architecture = metadata.GetValueOrDefault("general.architecture", "llama");
        int? Read(string key) => metadata.TryGetValue($"{architecture}.{key}", out var text) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
        var heads = Read("attention.head_count") ?? 1;
        var keyWidth = Read("attention.key_length") ?? (weights.EmbeddingSize / Math.Max(1, heads));
        var valueWidth = Read("attention.value_length") ?? keyWidth;
        if (keyWidth % 32 != 0 || valueWidth % 32 != 0)
        {
            throw new ArgumentException(
                $"KvCacheType {options.KvCacheType} needs attention heads whose width is a multiple of 32; this model's are {keyWidth} (keys) and {valueWidth} (values) wide. Use f16, bf16 or f32.");
        }
    }

    /// <summary>ggml's type for a <see cref="ModelServerOptions.KvCacheType"/> name (LLamaSharp does not name BF16; the GGUF tensor type has ggml's number).</summary>
    internal static GGMLType CacheType(string name) => name switch
    {
        "f16" => GGMLType.GGML_TYPE_F16,
        "bf16" => (GGMLType)(int)Gateway.Inference.Gguf.GgufTensorType.BF16,
        "f32" => GGMLType.GGML_TYPE_F32,
        "q8_0" => GGMLType.GGML_TYPE_Q8_0,
        "q4_0" => GGMLType.GGML_TYPE_Q4_0,
        _ => throw new ArgumentException($"Unknown KV cache type '{name}'.", nameof(name)),
    };

    /// <summary>Decode threads when a model sets none: the cores this process may use.</summary>
    public static int DefaultThreads => Environment.ProcessorCount;

    /// <summary>
    /// Tokenizes with the model's vocabulary, not the context: request threads call this while the
    /// scheduler thread is decoding, and the context belongs to the scheduler.
    /// </summary>
    public LLamaToken[] Tokenize(string text, bool addBos, bool special) => Weights.Tokenize(text, addBos, special, Encoding.UTF8);

    /// <summary>The prompt for a chat request, from the model's chat template (see <see cref="PromptTemplate"/>).</summary>
    public string ApplyTemplate(Api.ChatRequest request) => Template.Apply(request);

    public void Dispose()
    {
        Context.Dispose();
        Weights.Dispose();
    }
}
