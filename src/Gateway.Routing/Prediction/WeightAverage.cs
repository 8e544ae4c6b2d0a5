using System.Numerics.Tensors;

namespace Gateway.Routing.Prediction;

/// <summary>
/// An exponential moving average of parameter arrays over optimiser steps (Polyak averaging). The decay starts
/// small and grows to <c>decay</c>, min(decay, (1 + n) / (10 + n)) at step n, so the first steps do not pull the
/// average towards the initial weights. Averaged weights sit near the middle of the optimiser's last steps
/// rather than wherever its noise left the last one.
/// </summary>
internal sealed class WeightAverage
{
    private readonly float _decay;
    private readonly float[][] _sources;
    private int _steps;

    public WeightAverage(float decay, params float[][] sources)
    {
        if (decay is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "The averaging decay must lie strictly between 0 and 1.");
        }

        _decay = decay;
        _sources = sources;
        Averages = [.. sources.Select(s => (float[])s.Clone())];
    }

    /// <summary>The averages, in the order of the sources.</summary>
    public float[][] Averages { get; }

    /// <summary>Folds the sources' current values into the averages; call after each optimiser step.</summary>
    public void Update()
    {
        _steps++;
        var decay = Math.Min(_decay, (1f + _steps) / (10f + _steps));
        for (var k = 0; k < _sources.Length; k++)
        {
            // a = decay·a + (1 − decay)·w
            TensorPrimitives.Lerp(_sources[k], Averages[k], decay, Averages[k]);
        }
    }
}
