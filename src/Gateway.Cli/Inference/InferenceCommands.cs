using System.CommandLine;
using Gateway.Inference.Gguf;

namespace Gateway.Cli.Inference;

/// <summary>Command-line verbs for local models, to attach under the gateway executable's root command.</summary>
public static class InferenceCommands
{
    /// <summary>Creates <c>model</c> with its sub-verbs (<c>model tiny --out FILE [--seed N]</c>).</summary>
    public static Command CreateModelCommand()
    {
        var model = new Command("model", "Local model tools.");
        model.Subcommands.Add(CreateTinyModelCommand());
        return model;
    }

    /// <summary>Creates <c>tiny --out FILE [--seed N] [--f16]</c>: writes a tiny random-weight llama GGUF.</summary>
    public static Command CreateTinyModelCommand()
    {
        var output = new Option<FileInfo>("--out", "-o")
        {
            Description = "Where to write the GGUF file.",
            Required = true,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed for the random weights; the same seed writes the same file.",
            DefaultValueFactory = _ => 42,
        };
        var half = new Option<bool>("--f16") { Description = "Write F16 tensors instead of F32." };
        var matrixType = new Option<GgufTensorType?>("--matrix-type") { Description = "Element type of the matrices: F32 (default), F16, BF16, Q8_0 or Q4_0; wins over --f16." };
        var vocabulary = new Option<int?>("--vocabulary") { Description = "Pad the vocabulary to this many tokens (default: the tiny vocabulary's own few hundred)." };

        var command = new Command("tiny", "Write a tiny llama-architecture GGUF with random weights. Its text is noise; it exists for tests and smoke runs.")
        {
            output,
            seed,
            half,
            matrixType,
            vocabulary,
        };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(output)!;
            var options = new TinyModelOptions
            {
                Seed = parse.GetValue(seed),
                HalfPrecision = parse.GetValue(half),
                MatrixType = parse.GetValue(matrixType),
                VocabularySize = parse.GetValue(vocabulary),
            };
            long size;
            try
            {
                size = TinyModel.Write(file.FullName, options);
            }
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine(e.Message);
                return 2;
            }
            parse.InvocationConfiguration.Output.WriteLine($"Wrote {file.FullName} ({size:N0} bytes).");
            return 0;
        });
        return command;
    }
}
