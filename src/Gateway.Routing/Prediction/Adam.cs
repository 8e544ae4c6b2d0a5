namespace Gateway.Routing.Prediction;

/// <summary>Adam with decoupled weight decay over one parameter array.</summary>
internal sealed class Adam(int length, float learningRate, float weightDecay)
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-8f;
    private readonly float[] _m = new float[length];
    private readonly float[] _v = new float[length];
    private int _step;

    public float LearningRate { get; set; } = learningRate;

    public void Step(float[] parameters, float[] gradient, float scale)
    {
        _step++;
        var c1 = 1 - MathF.Pow(Beta1, _step);
        var c2 = 1 - MathF.Pow(Beta2, _step);
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i] * scale;
            _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
            _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
            var update = _m[i] / c1 / (MathF.Sqrt(_v[i] / c2) + Epsilon);
            parameters[i] -= LearningRate * (update + (weightDecay * parameters[i]));
            gradient[i] = 0;
        }
    }
}
