using Gateway.Inference.Gguf;
using static TorchSharp.torch;

namespace Gateway.Trainer;

/// <summary>
/// A llama-architecture decoder computed exactly as llama.cpp's <c>LLM_ARCH_LLAMA</c> graph: RMSNorm before
/// attention and feed-forward, rotary positions in "normal" mode (adjacent pairs rotated), grouped-query attention
/// (query head h reads key/value head h / (heads / kv heads)), SwiGLU feed-forward, a final RMSNorm and an untied
/// output projection. Parameters are named as the GGUF tensors they become.
/// </summary>
internal sealed class LlamaModel : nn.Module
{
    private readonly Dictionary<string, TorchSharp.Modules.Parameter> _weights = new(StringComparer.Ordinal);
    private readonly Tensor _cos;
    private readonly Tensor _sin;

    public LlamaModel(LlamaShape shape, int vocabularySize, int seed) : base("llama")
    {
        shape.Validate();
        Shape = shape;
        VocabularySize = vocabularySize;
        var generator = new Generator((ulong)seed);
        var residualScale = 1.0 / Math.Sqrt(2.0 * shape.BlockCount);
        foreach (var (name, dims) in shape.Tensors(vocabularySize))
        {
            var longDims = dims.Select(d => (long)d).ToArray();
            Tensor init;
            if (dims.Length == 1)
            {
                init = ones(longDims);
            }
            else
            {
                var std = name.EndsWith("attn_output.weight", StringComparison.Ordinal) || name.EndsWith("ffn_down.weight", StringComparison.Ordinal)
                    ? 0.02 * residualScale
                    : 0.02;
                init = normal(0, std, longDims, generator: generator);
            }
            var parameter = new TorchSharp.Modules.Parameter(init);
            _weights[name] = parameter;
            register_parameter(name.Replace('.', '_'), parameter);
        }

        // Rotary tables: theta(p, i) = p * base^(-2i / headDim) for the pair (2i, 2i + 1).
        var half = shape.HeadDim / 2;
        var inverse = pow(LlamaShape.RopeFreqBase, -arange(0, half, dtype: float64) * 2.0 / shape.HeadDim);
        var angles = outer(arange(0, shape.ContextLength, dtype: float64), inverse);
        _cos = angles.cos().to_type(float32);
        _sin = angles.sin().to_type(float32);
    }

    public LlamaShape Shape { get; }

    public int VocabularySize { get; }

    public IReadOnlyDictionary<string, TorchSharp.Modules.Parameter> Weights => _weights;

    /// <summary>Hidden states after the final norm, [batch, time, embedding].</summary>
    public Tensor Hidden(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var (batch, time) = (tokens.shape[0], tokens.shape[1]);
        var s = Shape;
        var x = W("token_embd.weight").index_select(0, tokens.flatten()).view(batch, time, s.EmbeddingLength);
        var cos = _cos[..(int)time].view(1, time, 1, s.HeadDim / 2);
        var sin = _sin[..(int)time].view(1, time, 1, s.HeadDim / 2);
        var group = s.HeadCount / s.HeadCountKv;
        for (var b = 0; b < s.BlockCount; b++)
        {
            var h = RmsNorm(x, W($"blk.{b}.attn_norm.weight"));
            var q = Rope(nn.functional.linear(h, W($"blk.{b}.attn_q.weight")).view(batch, time, s.HeadCount, s.HeadDim), cos, sin);
            var k = Rope(nn.functional.linear(h, W($"blk.{b}.attn_k.weight")).view(batch, time, s.HeadCountKv, s.HeadDim), cos, sin);
            var v = nn.functional.linear(h, W($"blk.{b}.attn_v.weight")).view(batch, time, s.HeadCountKv, s.HeadDim);
            q = q.transpose(1, 2);
            k = k.transpose(1, 2);
            v = v.transpose(1, 2);
            if (group > 1)
            {
                k = k.repeat_interleave(group, dim: 1);
                v = v.repeat_interleave(group, dim: 1);
            }
            var attention = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
            attention = attention.transpose(1, 2).reshape(batch, time, s.EmbeddingLength);
            x = x + nn.functional.linear(attention, W($"blk.{b}.attn_output.weight"));
            h = RmsNorm(x, W($"blk.{b}.ffn_norm.weight"));
            var gate = nn.functional.silu(nn.functional.linear(h, W($"blk.{b}.ffn_gate.weight")));
            var up = nn.functional.linear(h, W($"blk.{b}.ffn_up.weight"));
            x = x + nn.functional.linear(gate * up, W($"blk.{b}.ffn_down.weight"));
        }
        return RmsNorm(x, W("output_norm.weight")).MoveToOuterDisposeScope();
    }

    /// <summary>Logits over the vocabulary for hidden states of any leading shape.</summary>
    public Tensor Logits(Tensor hidden) => nn.functional.linear(hidden, W("output.weight"));

    /// <summary>The weights by GGUF tensor name, row-major, for the writer.</summary>
    public Dictionary<string, float[]> Export() =>
        _weights.ToDictionary(kv => kv.Key, kv => kv.Value.detach().contiguous().data<float>().ToArray(), StringComparer.Ordinal);

    /// <summary>Loads weights written by <see cref="Export"/>.</summary>
    public void Import(IReadOnlyDictionary<string, float[]> tensors)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in _weights)
        {
            parameter.copy_(tensor(tensors[name], parameter.shape));
        }
    }

    private TorchSharp.Modules.Parameter W(string name) => _weights[name];

    private static Tensor RmsNorm(Tensor x, Tensor weight) =>
        x * rsqrt(x.pow(2).mean([-1], keepdim: true) + LlamaShape.RmsEpsilon) * weight;

    /// <summary>llama.cpp's normal-mode rope: (x0, x1) → (x0 cos − x1 sin, x0 sin + x1 cos) for each adjacent pair.</summary>
    private static Tensor Rope(Tensor x, Tensor cos, Tensor sin)
    {
        var shape = x.shape;
        var pairs = x.view(shape[0], shape[1], shape[2], shape[3] / 2, 2);
        var x0 = pairs.select(-1, 0);
        var x1 = pairs.select(-1, 1);
        return stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], -1).view(shape);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cos.Dispose();
            _sin.Dispose();
        }
        base.Dispose(disposing);
    }
}
