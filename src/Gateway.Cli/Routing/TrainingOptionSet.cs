using System.CommandLine;
using Gateway.Routing.Prediction;

namespace Gateway.Cli.Routing;

/// <summary>
/// The command-line options that set <see cref="TrainingOptions"/> and the prompt encoder, defined once for every
/// verb that trains (<c>router train</c>, <c>router loo</c>). Defaults are <see cref="TrainingOptions"/>'s own
/// except three, which make the configuration that measured best on validation fifths of the train split of both
/// shared data sets (llmrouter-9 and routellm-2; <c>docs/router-results.md</c>): the hashing encoder with shape
/// features, a contrast head whenever the encoder has shape features, and an ensemble of three.
/// </summary>
internal sealed class TrainingOptionSet
{
    /// <summary>The default prompt encoder: hashed n-grams (4,096 dimensions) plus the prompt-shape features.</summary>
    public const string DefaultEncoder = "hashing:4096+shape";

    /// <summary>The default ensemble size: three predictors averaged moved λ = 0 quality and AIQ up on both data sets' validation parts.</summary>
    public const int DefaultEnsemble = 3;

    private static readonly TrainingOptions Defaults = new();

    private readonly Option<int> _epochs = new("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => Defaults.Epochs };
    private readonly Option<int> _seed = new("--seed") { Description = "Random seed.", DefaultValueFactory = _ => Defaults.Seed };
    private readonly Option<int> _hidden = new("--hidden") { Description = "Hidden units of the prompt feature layer (0: none).", DefaultValueFactory = _ => Defaults.Hidden };
    private readonly Option<float> _promptL2 = new("--prompt-l2") { Description = "L2 penalty on prompt-level interaction weights.", DefaultValueFactory = _ => Defaults.PromptTermL2 };
    private readonly Option<double> _resample = new("--resample-share") { Description = "Share of epochs trained on capability vectors from random aptitude samples (robustness for onboarded models).", DefaultValueFactory = _ => Defaults.ResampledEpochShare };
    private readonly Option<float> _affinityLr = new("--affinity-lr") { Description = "Learning rate of the task-affinity head.", DefaultValueFactory = _ => Defaults.AffinityLearningRate };
    private readonly Option<float> _listwise = new("--listwise") { Description = "Weight of a listwise ranking loss over the models of each prompt, added to the per-model loss (0: none).", DefaultValueFactory = _ => Defaults.ListwiseWeight };
    private readonly Option<bool> _balance = new("--balance-tasks") { Description = "Weight each prompt's loss by the inverse size of its task, so small tasks count as much as big ones." };
    private readonly Option<bool?> _contrast = new("--contrast-head")
    {
        Description = "Fit a task-gated head on the prompt-shape features to the differences between models (needs an encoder ending in '+shape'). Default: on exactly when the encoder ends in '+shape'; '--contrast-head false' turns it off.",
    };
    private readonly Option<float> _contrastL2 = new("--contrast-l2") { Description = "L2 penalty on the contrast head.", DefaultValueFactory = _ => Defaults.ContrastL2 };
    private readonly Option<int> _contrastEpochs = new("--contrast-epochs") { Description = "Epochs of the contrast head.", DefaultValueFactory = _ => Defaults.ContrastEpochs };
    private readonly Option<double> _average = new("--average-decay") { Description = "Decay of a moving average of the weights over optimiser steps, used for model selection and the result (0: none; e.g. 0.998).", DefaultValueFactory = _ => Defaults.AverageDecay };
    private readonly Option<double> _modelDropout = new("--model-dropout") { Description = "Probability that a training model's outcomes leave a minibatch's loss (0: none).", DefaultValueFactory = _ => Defaults.ModelDropout };
    private readonly Option<bool> _randomItems = new("--random-items") { Description = "Choose the aptitude items at random instead of matching the training models' task accuracy." };
    private readonly Option<int> _ensemble = new("--ensemble")
    {
        Description = $"Predictors trained with consecutive seeds and averaged (default {DefaultEnsemble}: it measured best on validation parts of both shared data sets; 1 trains three times faster).",
        DefaultValueFactory = _ => DefaultEnsemble,
    };

    /// <summary>The prompt encoder's name, for <see cref="CliCommon.CreateEncoder"/>.</summary>
    public Option<string> Encoder { get; } = CliCommon.EncoderOption();

    private IEnumerable<Option> All =>
        [Encoder, _epochs, _seed, _hidden, _promptL2, _resample, _affinityLr, _listwise, _balance, _contrast, _contrastL2, _contrastEpochs, _average, _modelDropout, _randomItems, _ensemble];

    public TrainingOptionSet()
    {
        RequireFraction(_average, "no averaging");
        RequireFraction(_modelDropout, "none");
    }

    /// <summary>Values in [0, 1), where 0 turns the technique off.</summary>
    private static void RequireFraction(Option<double> option, string zeroMeans) => option.Validators.Add(r =>
    {
        if (r.GetValueOrDefault<double>() is < 0 or >= 1)
        {
            r.AddError($"{option.Name} must be at least 0 ({zeroMeans}) and below 1.");
        }
    });

    private const string ShapeSuffix = "+shape";

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    public TrainingOptions Read(ParseResult parse) => new()
    {
        Epochs = parse.GetValue(_epochs),
        Seed = parse.GetValue(_seed),
        Hidden = parse.GetValue(_hidden),
        PromptTermL2 = parse.GetValue(_promptL2),
        ResampledEpochShare = parse.GetValue(_resample),
        AffinityLearningRate = parse.GetValue(_affinityLr),
        ListwiseWeight = parse.GetValue(_listwise),
        BalanceTasks = parse.GetValue(_balance),
        // The head reads the shape features, so it follows the encoder unless set either way.
        ContrastHead = parse.GetValue(_contrast) ?? parse.GetValue(Encoder)!.EndsWith(ShapeSuffix, StringComparison.Ordinal),
        ContrastL2 = parse.GetValue(_contrastL2),
        ContrastEpochs = parse.GetValue(_contrastEpochs),
        AverageDecay = (float)parse.GetValue(_average),
        ModelDropout = parse.GetValue(_modelDropout),
        Ensemble = parse.GetValue(_ensemble),
        MatchedAptitudeItems = !parse.GetValue(_randomItems),
    };
}
