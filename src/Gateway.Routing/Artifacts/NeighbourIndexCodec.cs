using Gateway.Routing.Prediction;

namespace Gateway.Routing.Artifacts;

/// <summary>
/// <c>neighbours.bin</c>: the magic <c>GWNI</c>, an int32 version (1), then int32 input dimension, projected
/// dimensions P, projection seed, prompts N, models M and tasks T; then P × N projected values (dimension by
/// dimension), M × N scores (model by model), both float16 little-endian, and N task indices (uint16). Model names
/// and task names are in <c>router.json</c>.
/// </summary>
internal static class NeighbourIndexCodec
{
    private const int Magic = 0x494E5747; // "GWNI"
    private const int Version = 1;

    public static byte[] Encode(NeighbourIndex index)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(Version);
            foreach (var value in new[] { index.InputDimension, index.Dimensions, index.Seed, index.Count, index.Models.Count, index.Tasks })
            {
                writer.Write(value);
            }

            foreach (var v in index.Columns)
            {
                writer.Write((Half)v);
            }

            foreach (var v in index.Scores)
            {
                writer.Write((Half)v);
            }

            foreach (var t in index.TaskOf)
            {
                writer.Write((ushort)t);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Decodes an index whose models and task count the manifest gives; throws <see cref="InvalidDataException"/> when it does not fit.</summary>
    public static NeighbourIndex Decode(byte[] bytes, IReadOnlyList<string> models, int tasks)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        if (reader.ReadInt32() != Magic || reader.ReadInt32() != Version)
        {
            throw new InvalidDataException("unknown neighbour index header");
        }

        int inputDimension = reader.ReadInt32(), dimensions = reader.ReadInt32(), seed = reader.ReadInt32();
        int count = reader.ReadInt32(), modelCount = reader.ReadInt32(), taskCount = reader.ReadInt32();
        if (modelCount != models.Count || taskCount != tasks)
        {
            throw new InvalidDataException($"the neighbour index scores {modelCount} models over {taskCount} tasks; the manifest lists {models.Count} and {tasks}");
        }

        var expected = 32L + (2L * dimensions * count) + (2L * modelCount * count) + (2L * count);
        if (inputDimension <= 0 || dimensions is <= 0 or > 4096 || count <= 0 || expected != bytes.Length)
        {
            throw new InvalidDataException($"the neighbour index declares {count} prompts of {dimensions} dimensions and {modelCount} models, which {bytes.Length} bytes do not hold");
        }

        var columns = new float[dimensions * count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = (float)reader.ReadHalf();
        }

        var scores = new float[modelCount * count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = (float)reader.ReadHalf();
        }

        var taskOf = new int[count];
        for (var i = 0; i < count; i++)
        {
            taskOf[i] = reader.ReadUInt16();
        }

        return new NeighbourIndex(inputDimension, seed, columns, scores, taskOf, models, tasks);
    }
}
