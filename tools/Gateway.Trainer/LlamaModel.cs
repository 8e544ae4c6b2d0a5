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
        var x = Embed(tokens);
        var (cos, sin) = Rotary(0, time);
        for (var b = 0; b < Shape.BlockCount; b++)
        {
            var h = RmsNorm(x, W($"blk.{b}.attn_norm.weight"));
            var (q, k, v) = Project(b, h, cos, sin);
            var attention = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
            x = x + Output(b, attention, batch, time);
            x = x + FeedForward(b, x);
        }
        return RmsNorm(x, W("output_norm.weight")).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Hidden states of <paramref name="suffixes"/> [batch, time] that all follow the same <paramref name="prefix"/>
    /// [1, length], after the final norm: [batch, time, embedding]. Equal to <see cref="Hidden(Tensor)"/> of each whole sequence
    /// at the suffix positions, but the shared prefix is computed once for the batch (its keys and values are broadcast),
    /// which is most of the work when a batch's prompts share a long instruction.
    /// </summary>
    public Tensor Hidden(Tensor prefix, Tensor suffixes)
    {
        using var scope = NewDisposeScope();
        var length = prefix.shape[1];
        var (batch, time) = (suffixes.shape[0], suffixes.shape[1]);
        var xp = Embed(prefix);
        var xs = Embed(suffixes);
        var (cosP, sinP) = Rotary(0, length);
        var (cosS, sinS) = Rotary(length, time);

        // A suffix position sees the whole prefix and the suffix up to itself.
        var mask = ones([time, length + time], dtype: ScalarType.Bool).tril(length);
        for (var b = 0; b < Shape.BlockCount; b++)
        {
            var last = b == Shape.BlockCount - 1;
            var hp = RmsNorm(xp, W($"blk.{b}.attn_norm.weight"));
            var hs = RmsNorm(xs, W($"blk.{b}.attn_norm.weight"));
            var (qp, kp, vp) = Project(b, hp, cosP, sinP);
            var (qs, ks, vs) = Project(b, hs, cosS, sinS);
            var keys = cat([kp.expand(batch, -1, -1, -1), ks], 2);
            var values = cat([vp.expand(batch, -1, -1, -1), vs], 2);
            var suffixAttention = nn.functional.scaled_dot_product_attention(qs, keys, values, attn_mask: mask);
            xs = xs + Output(b, suffixAttention, batch, time);
            xs = xs + FeedForward(b, xs);
            if (!last)
            {
                // The last block's prefix outputs feed nothing.
                var prefixAttention = nn.functional.scaled_dot_product_attention(qp, kp, vp, is_casual: true);
                xp = xp + Output(b, prefixAttention, 1, length);
                xp = xp + FeedForward(b, xp);
            }
        }
        return RmsNorm(xs, W("output_norm.weight")).MoveToOuterDisposeScope();
    }

    private Tensor Embed(Tensor tokens) =>
        W("token_embd.weight").index_select(0, tokens.flatten()).view(tokens.shape[0], tokens.shape[1], Shape.EmbeddingLength);

    private (Tensor Cos, Tensor Sin) Rotary(long start, long time) =>
        (_cos[(int)start..(int)(start + time)].view(1, time, 1, Shape.HeadDim / 2), _sin[(int)start..(int)(start + time)].view(1, time, 1, Shape.HeadDim / 2));

    /// <summary>Queries, keys and values [batch, heads, time, head size], keys and values repeated for grouped-query attention.</summary>
    private (Tensor Q, Tensor K, Tensor V) Project(int block, Tensor h, Tensor cos, Tensor sin)
    {
        var s = Shape;
        var (batch, time) = (h.shape[0], h.shape[1]);
        var q = Rope(nn.functional.linear(h, W($"blk.{block}.attn_q.weight")).view(batch, time, s.HeadCount, s.HeadDim), cos, sin).transpose(1, 2);
        var k = Rope(nn.functional.linear(h, W($"blk.{block}.attn_k.weight")).view(batch, time, s.HeadCountKv, s.HeadDim), cos, sin).transpose(1, 2);
        var v = nn.functional.linear(h, W($"blk.{block}.attn_v.weight")).view(batch, time, s.HeadCountKv, s.HeadDim).transpose(1, 2);
        var group = s.HeadCount / s.HeadCountKv;
        if (group > 1)
        {
            k = k.repeat_interleave(group, dim: 1);
            v = v.repeat_interleave(group, dim: 1);
        }
        return (q, k, v);
    }

    private Tensor Output(int block, Tensor attention, long batch, long time) =>
        nn.functional.linear(attention.transpose(1, 2).reshape(batch, time, Shape.EmbeddingLength), W($"blk.{block}.attn_output.weight"));

    private Tensor FeedForward(int block, Tensor x)
    {
        var h = RmsNorm(x, W($"blk.{block}.ffn_norm.weight"));
        var gate = nn.functional.silu(nn.functional.linear(h, W($"blk.{block}.ffn_gate.weight")));
        var up = nn.functional.linear(h, W($"blk.{block}.ffn_up.weight"));
        return nn.functional.linear(gate * up, W($"blk.{block}.ffn_down.weight"));
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
