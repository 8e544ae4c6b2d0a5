using System.Diagnostics;
using System.Text.Json;
using Gateway.Inference.Gguf;
using Gateway.Routing.Aptitude;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Gateway.Trainer;

/// <summary>What to train and how.</summary>
internal sealed record TrainingOptions
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Families { get; init; }

    /// <summary>A trace file to train on instead of <see cref="Families"/>; <see cref="Families"/> then names the roles kept (empty: all).</summary>
    public string? TracePath { get; init; }

    /// <summary>The share of steps (0 to 1) that train on the copying drill (<see cref="CopyDrill"/>) instead of the traces.</summary>
    public double CopyShare { get; init; }

    /// <summary>The share (0 to 1) of drill examples that repeat a whole message rather than copy a quoted span.</summary>
    public double CopyRepeatShare { get; init; }

    /// <summary>The share (0 to 1) of drill examples that answer with the message's numbers in order.</summary>
    public double CopyNumbersShare { get; init; }

    /// <summary>Steps at the start that train on the copying drill only.</summary>
    public int CopyWarmupSteps { get; init; }

    /// <summary>Trace examples longer than this (prompt and completion tokens) are left out; null: the context length.</summary>
    public int? MaxSequence { get; init; }
    public required LlamaShape Shape { get; init; }
    public int Steps { get; init; } = 2000;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 3e-3;
    public double WeightDecay { get; init; } = 0.01;
    public int WarmupSteps { get; init; } = 100;
    public int Seed { get; init; } = 1;
    public required string OutputPath { get; init; }
    public string? CheckpointPath { get; init; }
    public int CheckpointEvery { get; init; } = 250;
    public bool HalfPrecision { get; init; }
    public int Threads { get; init; } = 2;
    public int EvalSeed { get; init; } = 1001;
    public int EvalItems { get; init; } = 20;

    /// <summary>Stop (and checkpoint) at this step without changing the learning-rate schedule: a phase of a longer run.</summary>
    public int? StopAfter { get; init; }

    /// <summary>Stop after this much training time; the learning-rate schedule follows whichever of steps or time runs out first.</summary>
    public TimeSpan? TimeLimit { get; init; }
}

/// <summary>Accuracy on held-out items, per family.</summary>
internal sealed record EvalResult(IReadOnlyDictionary<string, double> ByTask)
{
    public double Mean => ByTask.Count == 0 ? 0 : ByTask.Values.Average();
}

/// <summary>Trains a <see cref="LlamaModel"/> on the answer tokens of generated chat examples and writes the GGUF.</summary>
internal static class Training
{
    private const long Ignore = -100;

    public static LlamaModel Train(TrainingOptions o, IAnsiConsole console)
    {
        torch.set_num_threads(o.Threads);
        torch.manual_seed(o.Seed);
        var data = Source(o);
        var model = new LlamaModel(o.Shape, CharVocabulary.Size, o.Seed);
        var optimizer = torch.optim.AdamW(model.parameters(), o.LearningRate, 0.9, 0.95, 1e-8, o.WeightDecay);
        var start = 0;
        var before = TimeSpan.Zero;
        if (o.CheckpointPath is { } checkpoint && File.Exists(checkpoint + ".json"))
        {
            (start, before, var families) = LoadCheckpoint(checkpoint, model, optimizer, o);
            console.MarkupLineInterpolated($"Resuming from [bold]{checkpoint}[/] at step {start}.");
            if (!families.SequenceEqual(data.Names))
            {
                console.MarkupLineInterpolated($"It was trained on {string.Join(", ", families)}; training goes on with {string.Join(", ", data.Names)}.");
            }
        }

        var clock = Stopwatch.StartNew();
        var lastLoss = double.NaN;
        var stopped = Math.Max(start, o.Steps);
        double Progress(int step)
        {
            var byStep = (double)step / o.Steps;
            return o.TimeLimit is { } limit ? Math.Max(byStep, (before + clock.Elapsed) / limit) : byStep;
        }
        bool OutOfTime() => o.TimeLimit is { } limit && before + clock.Elapsed >= limit;
        bool Stopping(int done) => OutOfTime() || done == o.StopAfter;
        void Step(int step)
        {
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = LearningRate(o, step, Progress(step));
            }
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(model, data.Batch(o.Seed, step, o.BatchSize));
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            lastLoss = loss.item<float>();
            if (o.CheckpointPath is { } path && ((step + 1) % o.CheckpointEvery == 0 || step + 1 == o.Steps || Stopping(step + 1)))
            {
                SaveCheckpoint(path, model, optimizer, step + 1, before + clock.Elapsed, o, data.Names);
            }
        }

        if (console.Profile.Capabilities.Interactive)
        {
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{o.Name}", maxValue: o.Steps);
                    task.Value = start;
                    for (var step = start; step < o.Steps; step++)
                    {
                        Step(step);
                        task.Description = $"{o.Name} loss {lastLoss:F3}";
                        task.Value = Math.Max(step + 1, Progress(step + 1) * o.Steps);
                        if (Stopping(step + 1))
                        {
                            stopped = step + 1;
                            break;
                        }
                    }
                });
        }
        else
        {
            for (var step = start; step < o.Steps; step++)
            {
                Step(step);
                var outOfTime = Stopping(step + 1);
                if ((step + 1) % 50 == 0 || step + 1 == o.Steps || outOfTime)
                {
                    console.WriteLine($"{o.Name} step {step + 1}/{o.Steps} loss {lastLoss:F4} lr {LearningRate(o, step, Progress(step)):G3} {before + clock.Elapsed:mm\\:ss}");
                }
                if (outOfTime)
                {
                    stopped = step + 1;
                    break;
                }
            }
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        console.WriteLine($"Trained {stopped - start} steps (to step {stopped}) in {clock.Elapsed:mm\\:ss} wall, {cpu:mm\\:ss} CPU, {before + clock.Elapsed:mm\\:ss} wall in all ({o.Threads} threads).");
        return model;
    }

    /// <summary>Linear warm-up, then cosine decay to a tenth of the peak as <paramref name="progress"/> goes from 0 to 1.</summary>
    public static double LearningRate(TrainingOptions o, int step, double progress)
    {
        if (step < o.WarmupSteps)
        {
            return o.LearningRate * (step + 1) / o.WarmupSteps;
        }
        return o.LearningRate * (0.1 + (0.9 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)))));
    }

    /// <summary>The examples <paramref name="o"/> names: trace roles when it has a trace file, else aptitude families.</summary>
    public static IExampleSource Source(TrainingOptions o)
    {
        IExampleSource source = o.TracePath is { } traces
            ? TraceData.Load(traces, o.Families.Count == 0 ? null : o.Families, o.MaxSequence ?? o.Shape.ContextLength)
            : new TaskData(o.Families);
        return o.CopyShare > 0 || o.CopyWarmupSteps > 0 ? new CopyDrill(source, o.CopyShare, o.CopyRepeatShare, o.CopyWarmupSteps, o.CopyNumbersShare) : source;
    }

    /// <summary>
    /// Pads to the longest example after the first <paramref name="skip"/> tokens (a prefix every example shares);
    /// targets are the next token on answer positions, else ignored.
    /// </summary>
    public static (Tensor Tokens, Tensor Targets) Collate(IReadOnlyList<Example> batch, int skip = 0)
    {
        var length = batch.Max(e => e.Prompt.Length + e.Answer.Length) - 1 - skip;
        var tokens = new long[batch.Count * length];
        var targets = new long[batch.Count * length];
        Array.Fill(targets, Ignore);
        for (var i = 0; i < batch.Count; i++)
        {
            var sequence = batch[i].Prompt.Concat(batch[i].Answer).ToArray();
            for (var t = skip; t < sequence.Length - 1; t++)
            {
                tokens[(i * length) + t - skip] = sequence[t];
                if (t >= batch[i].Prompt.Length - 1)
                {
                    targets[(i * length) + t - skip] = sequence[t + 1];
                }
            }
        }
        return (tensor(tokens, [batch.Count, length]), tensor(targets, [batch.Count, length]));
    }

    /// <summary>
    /// How many leading tokens every example of <paramref name="batch"/> shares, short of each prompt's last token
    /// (where the first answer target is predicted); 0 for a batch of one.
    /// </summary>
    public static int SharedPrefix(IReadOnlyList<Example> batch)
    {
        if (batch.Count < 2)
        {
            return 0;
        }
        var limit = batch.Min(e => e.Prompt.Length) - 1;
        var first = batch[0].Prompt;
        var shared = 0;
        while (shared < limit && batch.All(e => e.Prompt[shared] == first[shared]))
        {
            shared++;
        }
        return shared;
    }

    /// <summary>Hidden states of the collated positions, the shared prefix computed once; with the targets.</summary>
    private static (Tensor Hidden, Tensor Targets) Forward(LlamaModel model, IReadOnlyList<Example> batch)
    {
        var shared = SharedPrefix(batch);
        var (tokens, targets) = Collate(batch, shared);
        if (shared == 0)
        {
            return (model.Hidden(tokens), targets);
        }
        var prefix = tensor(batch[0].Prompt[..shared].Select(t => (long)t).ToArray(), [1, shared]);
        return (model.Hidden(prefix, tokens), targets);
    }

    /// <summary>Cross-entropy over the answer positions only (the vocabulary projection runs only there).</summary>
    public static Tensor Loss(LlamaModel model, IReadOnlyList<Example> batch)
    {
        var (hidden, targets) = Forward(model, batch);
        return Loss(model, hidden, targets);
    }

    private static Tensor Loss(LlamaModel model, Tensor hidden, Tensor targets)
    {
        var mask = targets.ne(Ignore);
        var selected = hidden[mask];
        return nn.functional.cross_entropy(model.Logits(selected), targets[mask]);
    }

    /// <summary>
    /// Whether greedy decoding (temperature 0) writes each example's answer exactly, end-of-turn included. With the
    /// right text so far, greedy decoding picks the most likely next token; so it writes the whole answer exactly
    /// when, and only when, the most likely token at every answer position of the teacher-forced sequence is the
    /// answer's next token. One forward pass per batch decides it.
    /// </summary>
    public static bool[] ExactMatches(LlamaModel model, IReadOnlyList<Example> batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (hidden, targets) = Forward(model, batch);
        var mask = targets.ne(Ignore);
        var wrong = model.Logits(hidden).argmax(-1).ne(targets).logical_and(mask).any(1);
        return [.. wrong.data<bool>().ToArray().Select(w => !w)];
    }

    /// <summary>Exact-match accuracy per role on held-out trace examples (see <see cref="ExactMatches"/>).</summary>
    public static EvalResult Evaluate(LlamaModel model, TraceData heldOut, int itemsPerRole, int batchSize = 16)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var role in heldOut.Names)
        {
            var items = heldOut.Examples(role).Take(itemsPerRole).ToArray();
            var right = items.Chunk(batchSize).Sum(chunk => ExactMatches(model, chunk).Count(m => m));
            scores[role] = items.Length == 0 ? 0 : (double)right / items.Length;
        }
        return new EvalResult(scores);
    }

    /// <summary>Greedy decoding (temperature 0) of a batch of prompts until end-of-turn or <paramref name="maxTokens"/>.</summary>
    public static string[] Generate(LlamaModel model, IReadOnlyList<int[]> prompts, int maxTokens = 32) =>
        GenerateTokens(model, prompts, maxTokens).Select(tokens => string.Concat(tokens.Select(CharVocabulary.Piece))).ToArray();

    /// <summary>The tokens <see cref="Generate"/> decodes, end-of-turn left out.</summary>
    public static List<int>[] GenerateTokens(LlamaModel model, IReadOnlyList<int[]> prompts, int maxTokens = 32)
    {
        using var noGrad = no_grad();
        var count = prompts.Count;
        var lengths = prompts.Select(p => p.Length).ToArray();
        var width = Math.Min(model.Shape.ContextLength, lengths.Max() + maxTokens);
        var buffer = new long[count * width];
        for (var i = 0; i < count; i++)
        {
            for (var t = 0; t < prompts[i].Length; t++)
            {
                buffer[(i * width) + t] = prompts[i][t];
            }
        }
        var done = new bool[count];
        var outputs = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        for (var n = 0; n < maxTokens && done.Any(d => !d); n++)
        {
            using var scope = NewDisposeScope();
            var current = Math.Min(width, lengths.Max());
            var input = tensor(buffer, [count, width])[.., ..current];
            var hidden = model.Hidden(input);
            var last = hidden[arange(count), tensor(lengths.Select(l => (long)l - 1).ToArray())];
            var next = model.Logits(last).argmax(-1).data<long>().ToArray();
            for (var i = 0; i < count; i++)
            {
                if (done[i])
                {
                    continue;
                }
                var token = (int)next[i];
                if (token is CharVocabulary.EosId or CharVocabulary.ImEndId || lengths[i] >= width)
                {
                    done[i] = true;
                    continue;
                }
                outputs[i].Add(token);
                buffer[(i * width) + lengths[i]] = token;
                lengths[i]++;
            }
        }
        return outputs;
    }

    /// <summary>Exact-match accuracy per family on held-out items, scored by the suite's scorer.</summary>
    public static EvalResult Evaluate(LlamaModel model, IReadOnlyList<AptitudeItem> items, int batchSize = 64)
    {
        var scores = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var chunk in items.Chunk(batchSize))
        {
            var replies = Generate(model, chunk.Select(i => TaskData.PromptTokens(i.Prompt)).ToArray());
            for (var i = 0; i < chunk.Length; i++)
            {
                if (!scores.TryGetValue(chunk[i].Task, out var list))
                {
                    scores[chunk[i].Task] = list = [];
                }
                list.Add(chunk[i].Score(replies[i]));
            }
        }
        return new EvalResult(scores.ToDictionary(kv => kv.Key, kv => kv.Value.Average(), StringComparer.Ordinal));
    }

    /// <summary>Writes the model as a llama GGUF with the character vocabulary and a chat template (null: ChatML); returns the size.</summary>
    public static long Export(LlamaModel model, string name, string path, bool halfPrecision, string? chatTemplate = null)
    {
        var writer = LlamaGguf.Build(name, model.Shape, CharVocabulary.Build(), model.Export(), halfPrecision, chatTemplate);
        return LlamaGguf.Write(writer, path);
    }

    private sealed record CheckpointInfo(int Step, double Seconds, string Name, IReadOnlyList<string> Families, LlamaShape Shape, int Seed);

    private static void SaveCheckpoint(string path, LlamaModel model, TorchSharp.Modules.AdamW optimizer, int step, TimeSpan elapsed, TrainingOptions o, IReadOnlyList<string> names)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        model.save(path + ".weights.tmp");
        optimizer.save_state_dict(path + ".optimizer.tmp");
        File.Move(path + ".weights.tmp", path + ".weights", overwrite: true);
        File.Move(path + ".optimizer.tmp", path + ".optimizer", overwrite: true);
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(new CheckpointInfo(step, elapsed.TotalSeconds, o.Name, names, o.Shape, o.Seed)));
    }

    private static (int Step, TimeSpan Elapsed, IReadOnlyList<string> Families) LoadCheckpoint(string path, LlamaModel model, TorchSharp.Modules.AdamW optimizer, TrainingOptions o)
    {
        var info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path + ".json"))!;
        if (info.Shape != o.Shape)
        {
            throw new InvalidOperationException($"Checkpoint {path} holds a model of another shape ({info.Shape}).");
        }
        model.load(path + ".weights");
        optimizer.load_state_dict(path + ".optimizer");
        return (info.Step, TimeSpan.FromSeconds(info.Seconds), info.Families);
    }
}
