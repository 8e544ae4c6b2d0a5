using System.Security.Cryptography;

namespace Gateway.State.Batches;

/// <summary>Ids of files, batches and batch requests: a prefix and 24 random hex digits, as OpenAI's look.</summary>
internal static class BatchIds
{
    public static string NewFile() => "file-" + Random();

    public static string NewBatch() => "batch_" + Random();

    public static string NewRequest() => "batch_req_" + Random();

    /// <summary>
    /// Whether <paramref name="id"/> could be one of ours: letters, digits, <c>-</c> and <c>_</c>, at most 64. Ids become
    /// file names and Redis keys, so anything else is unknown without looking.
    /// </summary>
    public static bool IsWellFormed(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
