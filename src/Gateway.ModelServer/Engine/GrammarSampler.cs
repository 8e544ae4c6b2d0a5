using System.Diagnostics;
using System.Runtime.InteropServices;
using LLama.Native;

namespace Gateway.ModelServer.Engine;

/// <summary>
/// llama.cpp's grammar sampler for one request, held by its native pointer so that a grammar llama.cpp refuses is
/// seen as such (no sampler), and so that a token is only ever accepted after the grammar has allowed it.
/// </summary>
/// <remarks>
/// LLamaSharp adds whatever <c>llama_sampler_init_grammar</c> returns to a chain, a null sampler for a grammar
/// llama.cpp cannot parse, and the next sample then ends the process. And llama.cpp throws a C++ exception from
/// <c>llama_sampler_accept</c> when a token leaves the grammar, which no .NET code can catch. So the few entry points
/// are bound here from the library LLamaSharp loaded, a refused grammar is a null from <see cref="TryCreate"/>, and the
/// caller accepts only tokens whose logit the grammar left finite.
/// </remarks>
internal sealed class GrammarSampler : IDisposable
{
    private static readonly Lazy<Native> Functions = new(Native.Bind);
    private readonly LLamaTokenData[] _single = new LLamaTokenData[1];
    private IntPtr _sampler;

    private GrammarSampler(IntPtr sampler) => _sampler = sampler;

    /// <summary>The sampler for <paramref name="gbnf"/> (rooted at <paramref name="root"/>), or null when llama.cpp refuses the grammar.</summary>
    public static GrammarSampler? TryCreate(SafeLlamaModelHandle model, string gbnf, string root = "root")
    {
        var native = Functions.Value;
        var vocabulary = native.ModelGetVocab(model.DangerousGetHandle());
        var sampler = native.InitGrammar(vocabulary, gbnf, root);
        return sampler == IntPtr.Zero ? null : new GrammarSampler(sampler);
    }

    /// <summary>Sets the logit of every candidate the grammar does not allow next to negative infinity.</summary>
    public void Apply(ref LLamaTokenDataArrayNative candidates) => Functions.Value.Apply(Handle, ref candidates);

    /// <summary>Whether the grammar allows <paramref name="token"/> next.</summary>
    public bool Allows(LLamaToken token)
    {
        _single[0] = new LLamaTokenData(token, 1f, 0f);
        using (LLamaTokenDataArrayNative.Create(new LLamaTokenDataArray(_single, isSorted: true), out var native))
        {
            Apply(ref native);
            return !float.IsNegativeInfinity(native.Data[0].Logit);
        }
    }

    /// <summary>Advances the grammar past <paramref name="token"/>, which it must allow (<see cref="Allows"/> or <see cref="Apply"/>).</summary>
    public void Accept(LLamaToken token) => Functions.Value.Accept(Handle, (int)token);

    private IntPtr Handle => _sampler != IntPtr.Zero ? _sampler : throw new ObjectDisposedException(nameof(GrammarSampler));

    public void Dispose()
    {
        var sampler = Interlocked.Exchange(ref _sampler, IntPtr.Zero);
        if (sampler != IntPtr.Zero)
        {
            Functions.Value.Free(sampler);
        }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ModelGetVocabFn(IntPtr model);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr InitGrammarFn(IntPtr vocabulary, [MarshalAs(UnmanagedType.LPUTF8Str)] string grammar, [MarshalAs(UnmanagedType.LPUTF8Str)] string root);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void ApplyFn(IntPtr sampler, ref LLamaTokenDataArrayNative candidates);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void AcceptFn(IntPtr sampler, int token);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void FreeFn(IntPtr sampler);

    private sealed record Native(ModelGetVocabFn ModelGetVocab, InitGrammarFn InitGrammar, ApplyFn Apply, AcceptFn Accept, FreeFn Free)
    {
        /// <summary>Binds the entry points in the llama library this process loaded (LLamaSharp picks it when the model loads).</summary>
        public static Native Bind()
        {
            using var process = Process.GetCurrentProcess();
            var path = process.Modules.Cast<ProcessModule>()
                .Select(m => m.FileName)
                .FirstOrDefault(f => Path.GetFileName(f) is { } name && (name.StartsWith("libllama", StringComparison.Ordinal) || name.Equals("llama.dll", StringComparison.OrdinalIgnoreCase)))
                ?? throw new InvalidOperationException("The llama native library is not loaded.");
            var library = NativeLibrary.Load(path);
            T Get<T>(string name) where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));
            return new Native(
                Get<ModelGetVocabFn>("llama_model_get_vocab"),
                Get<InitGrammarFn>("llama_sampler_init_grammar"),
                Get<ApplyFn>("llama_sampler_apply"),
                Get<AcceptFn>("llama_sampler_accept"),
                Get<FreeFn>("llama_sampler_free"));
        }
    }
}
