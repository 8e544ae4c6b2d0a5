using Gateway.Embeddings;

namespace Gateway.Routing;

/// <summary>
/// A file of prompt embeddings keyed by prompt hash, kept beside a router artefact so training and evaluation
/// encode each prompt once. The file is tied to one encoder; a file written by another encoder is ignored.
/// </summary>
internal sealed class EmbeddingStore
{
    private const string Magic = "GWEMB1";
    private readonly Dictionary<UInt128, float[]> _vectors = [];
    private readonly string _path;
    private readonly IPromptEncoder _encoder;
    private bool _dirty;

    private EmbeddingStore(string path, IPromptEncoder encoder)
    {
        _path = path;
        _encoder = encoder;
    }

    public static EmbeddingStore Open(string path, IPromptEncoder encoder)
    {
        var store = new EmbeddingStore(path, encoder);
        if (File.Exists(path))
        {
            store.Read();
        }

        return store;
    }

    /// <summary>Returns embeddings for all prompts, encoding the missing ones and reporting progress (done, total).</summary>
    public float[][] GetOrEncode(IReadOnlyList<string> prompts, Action<int, int>? progress = null)
    {
        var result = new float[prompts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < prompts.Count; i++)
        {
            if (_vectors.TryGetValue(PromptHash.Of(prompts[i]), out var v))
            {
                result[i] = v;
            }
            else
            {
                missing.Add(i);
            }
        }

        const int Chunk = 256;
        for (var start = 0; start < missing.Count; start += Chunk)
        {
            var slice = missing.Skip(start).Take(Chunk).ToArray();
            var vectors = _encoder.EncodeBatch(slice.Select(i => prompts[i]).ToArray());
            for (var j = 0; j < slice.Length; j++)
            {
                result[slice[j]] = vectors[j];
                _vectors[PromptHash.Of(prompts[slice[j]])] = vectors[j];
            }

            _dirty = true;
            progress?.Invoke(start + slice.Length, missing.Count);
        }

        return result;
    }

    public void Save()
    {
        if (!_dirty)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        var temp = _path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temp)))
        {
            writer.Write(Magic);
            writer.Write(_encoder.Id);
            writer.Write(_encoder.Dimension);
            writer.Write(_vectors.Count);
            foreach (var (key, vector) in _vectors)
            {
                writer.Write((ulong)(key >> 64));
                writer.Write((ulong)key);
                foreach (var x in vector)
                {
                    writer.Write(x);
                }
            }
        }

        File.Move(temp, _path, overwrite: true);
        _dirty = false;
    }

    private void Read()
    {
        using var reader = new BinaryReader(File.OpenRead(_path));
        if (reader.ReadString() != Magic || reader.ReadString() != _encoder.Id || reader.ReadInt32() != _encoder.Dimension)
        {
            return;
        }

        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = ((UInt128)reader.ReadUInt64() << 64) | reader.ReadUInt64();
            var vector = new float[_encoder.Dimension];
            for (var j = 0; j < vector.Length; j++)
            {
                vector[j] = reader.ReadSingle();
            }

            _vectors[key] = vector;
        }
    }
}
