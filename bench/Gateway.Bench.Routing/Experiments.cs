using System.Globalization;
using Gateway.Embeddings;
using Gateway.Routing;
using Gateway.Routing.Data;
using Gateway.Routing.Evaluation;
using Gateway.Routing.Prediction;

namespace Gateway.Bench.Routing;

/// <summary>
/// `tune DATA CACHE key=value…`: trains with the given options on cached embeddings and prints validation and
/// test numbers, for quick hyper-parameter comparisons (choose on validation, report on test).
/// </summary>
internal static class Experiments
{
    public static int Run(string[] args)
    {
        var dataset = RoutingDataset.Load(args[1]);
        var encoder = new MiniLmPromptEncoder();
        var store = EmbeddingStore.Open(args[2], encoder);
        var train = dataset.Split("train");
        var test = dataset.Split("test");
        var trainE = store.GetOrEncode(train.Select(o => o.Prompt).ToArray());
        var testE = store.GetOrEncode(test.Select(o => o.Prompt).ToArray());
        store.Save();
        if (args.FirstOrDefault(a => a.StartsWith("concat=", StringComparison.Ordinal)) is { } concat)
        {
            var hashing = new HashingPromptEncoder(int.Parse(concat[7..], CultureInfo.InvariantCulture));
            var weight = 1f;
            trainE = trainE.Select((e, i) => (float[])[.. e, .. hashing.Encode(train[i].Prompt).Select(x => x * weight)]).ToArray();
            testE = testE.Select((e, i) => (float[])[.. e, .. hashing.Encode(test[i].Prompt).Select(x => x * weight)]).ToArray();
        }

        var kv = args.Skip(3).Select(a => a.Split('=')).ToDictionary(p => p[0], p => p[1]);
        double Get(string k, double d) => kv.TryGetValue(k, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : d;
        var defaults = new TrainingOptions();
        var options = new TrainingOptions
        {
            Hidden = (int)Get("hidden", defaults.Hidden),
            Epochs = (int)Get("epochs", defaults.Epochs),
            LearningRate = (float)Get("lr", defaults.LearningRate),
            WeightDecay = (float)Get("wd", defaults.WeightDecay),
            BatchSize = (int)Get("batch", defaults.BatchSize),
            Seed = (int)Get("seed", defaults.Seed),
            SelectByQuality = Get("selq", 1) > 0,
            MatchedAptitudeItems = Get("matched", 1) > 0,
            ListwiseWeight = (float)Get("list", 0),
            PromptTermL2 = (float)Get("l2", 0),
            ResampledEpochShare = Get("resample", 0),
            BalanceTasks = Get("balance", 0) > 0,
            AffinityLearningRate = (float)Get("alr", defaults.AffinityLearningRate),
            AffinityEpochs = (int)Get("aep", defaults.AffinityEpochs),
        };
        if (kv.ContainsKey("knn"))
        {
            var k = (int)Get("knn", 20);
            var models = dataset.ModelNames;
            double total = 0;
            for (var i = 0; i < test.Count; i++)
            {
                var sims = trainE.Select((e, j) => (Sim: System.Numerics.Tensors.TensorPrimitives.Dot(e, testE[i]), j)).OrderByDescending(p => p.Sim).Take(k).ToArray();
                var est = models.Select(m => sims.Sum(p => Math.Exp(Get("temp", 0) * p.Sim) * train[p.j].Scores[m])).ToArray();
                var bestM = Enumerable.Range(0, models.Count).OrderByDescending(m => Math.Round(est[m], 6)).ThenBy(m => dataset.Models[m].EffectivePrice).First();
                total += test[i].Scores[models[bestM]];
            }

            Console.WriteLine($"knn k={k}: {total / test.Count:F4}");
            return 0;
        }

        var leaveOut = kv.TryGetValue("leave", out var l) ? new[] { l } : [];
        var progress = new Progress(p => { if (p.Stage == "quality") { Console.WriteLine($"  epoch {p.Epoch}: val loss {p.ValidationLoss:F4} val routed {p.ValidationQuality:F4}"); } });
        var result = RouterTraining.Train(dataset, train, trainE, encoder.Id, options, leaveOut, TimeProvider.System, progress);
        var artifact = result.Artifact;
        foreach (var m in leaveOut)
        {
            artifact = artifact.WithCapability(m, result.AptitudeVectors[m]);
        }

        var router = RouterFactory.Create(artifact, dataset.Models.Select(m => new CandidateDescriptor(m.Name, m.ParamsB, m.EffectivePrice, m.EffectivePrice)).ToArray(), new HashingPromptEncoder(trainE[0].Length));
        var report = RouterEvaluator.Evaluate(dataset, "test", test, testE, router);
        Console.WriteLine($"{string.Join(' ', args.Skip(3))} => test λ0 {report.AtZero.Quality:F4} sel {report.AtZero.SelectionAccuracy:F4} half {report.HalfPrice?.Quality:F4}@{report.HalfPrice?.Lambda} AIQ {report.Aiq:F4} " +
            string.Join(' ', report.TwoModel.Select(t => $"{t.Task}:APGR {t.Apgr:F3}")));
        if (kv.ContainsKey("detail"))
        {
            foreach (var g in test.Select((o, i) => (o.Task, i)).GroupBy(p => p.Task))
            {
                var pt = report.PerTask.Single(t => t.Task == g.Key);
                Console.WriteLine($"  {g.Key,-22} routed {pt.Routed:F3} single {pt.BestSingle:F3} " + string.Join(' ', g.GroupBy(p => report.AtZero.Choices[p.i]).OrderByDescending(x => x.Count()).Select(x => $"{dataset.ModelNames[x.Key]}:{x.Count()}")));
            }
        }

        return 0;
    }

    private sealed class Progress(Action<TrainingProgress> a) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => a(value);
    }
}
