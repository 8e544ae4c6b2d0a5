using Gateway.Routing.Prediction;

namespace Gateway.Routing.Artifacts;

/// <summary>
/// <c>predictor.bin</c>: the magic <c>GWRP</c>, an int32 version, then four float32 little-endian blocks, each
/// preceded by its int32 length: affinity, hidden weights, bilinear, cross.
/// </summary>
internal static class WeightsCodec
{
    private const int Magic = 0x50525747; // "GWRP"
    private const int Version = 1;

    public static byte[] Encode(PredictorWeights w)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(Version);
            foreach (var block in new[] { w.Affinity, w.HiddenWeights, w.Bilinear, w.Cross })
            {
                writer.Write(block.Length);
                foreach (var x in block)
                {
                    writer.Write(x);
                }
            }
        }

        return stream.ToArray();
    }

    public static PredictorWeights Decode(byte[] bytes, RouterManifest manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        if (reader.ReadInt32() != Magic || reader.ReadInt32() != Version)
        {
            throw new InvalidDataException("unknown weights header");
        }

        var blocks = new float[4][];
        for (var b = 0; b < blocks.Length; b++)
        {
            var length = reader.ReadInt32();
            if (length < 0 || length > (bytes.Length / 4))
            {
                throw new InvalidDataException($"block {b} declares {length} values");
            }

            blocks[b] = new float[length];
            for (var i = 0; i < length; i++)
            {
                blocks[b][i] = reader.ReadSingle();
            }
        }

        return new PredictorWeights(
            manifest.Encoder.Dimension, manifest.Tasks, manifest.Predictor.Hidden,
            blocks[0], blocks[1], blocks[2], blocks[3], manifest.Predictor.Alpha, manifest.Predictor.Bias);
    }
}
