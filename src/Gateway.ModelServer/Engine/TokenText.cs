using System.Text;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>A token's text with special tokens written out, as llama.cpp's grammar matches them.</summary>
internal static class TokenText
{
    public static string Special(SafeLlamaModelHandle model, LLamaToken token)
    {
        Span<byte> buffer = stackalloc byte[64];
        var size = (int)model.TokenToSpan(token, buffer, 0, special: true);
        if (size <= buffer.Length)
        {
            return Encoding.UTF8.GetString(buffer[..size]);
        }
        var large = new byte[size];
        model.TokenToSpan(token, large, 0, special: true);
        return Encoding.UTF8.GetString(large);
    }
}
