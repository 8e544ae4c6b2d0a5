using System.ComponentModel.DataAnnotations;

namespace Gateway.Inference.Pool;

/// <summary>What a local model's KV cache options may be; the catalog entry and the model server check the same rules.</summary>
public static class KvCacheRules
{
    /// <summary>The KV cache element types llama.cpp accepts, for a <c>[RegularExpression]</c> on <c>KvCacheType</c>.</summary>
    public const string TypePattern = "^(f16|bf16|f32|q8_0|q4_0)$";

    /// <summary>The validation message when <see cref="TypePattern"/> does not match.</summary>
    public const string TypeError = "KvCacheType must be f16, bf16, f32, q8_0 or q4_0.";

    /// <summary>The flash attention settings, for a <c>[RegularExpression]</c> on <c>FlashAttention</c>.</summary>
    public const string FlashAttentionPattern = "^(auto|on|off)$";

    /// <summary>The validation message when <see cref="FlashAttentionPattern"/> does not match.</summary>
    public const string FlashAttentionError = "FlashAttention must be auto, on or off.";

    /// <summary>Whether a cache type is quantised (stored in blocks of 32 values).</summary>
    public static bool IsQuantised(string? type) => type is "q8_0" or "q4_0";

    /// <summary>Rules between the options: a quantised KV cache needs flash attention.</summary>
    public static IEnumerable<ValidationResult> Validate(string? type, string? flashAttention)
    {
        if (IsQuantised(type) && flashAttention == "off")
        {
            yield return new ValidationResult($"KvCacheType {type} needs flash attention; set FlashAttention to auto or on.", ["KvCacheType", "FlashAttention"]);
        }
    }
}
