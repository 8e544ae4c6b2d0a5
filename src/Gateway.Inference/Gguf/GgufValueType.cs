namespace Gateway.Inference.Gguf;

/// <summary>The value types of a GGUF metadata entry, numbered as in the GGUF v3 specification.</summary>
#pragma warning disable CA1720 // The names are the specification's.
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}
#pragma warning restore CA1720

/// <summary>The tensor element types this writer produces (a subset of ggml's types).</summary>
public enum GgufTensorType : uint
{
    F32 = 0,
    F16 = 1,

    /// <summary>Blocks of 32 values: an F16 scale and 4-bit quants (ggml's reference rounding).</summary>
    Q4_0 = 2,

    /// <summary>Blocks of 32 values: an F16 scale and 8-bit quants.</summary>
    Q8_0 = 8,

    /// <summary>bfloat16: the top half of an F32 (rounded to nearest even).</summary>
    BF16 = 30,
}

/// <summary>A typed metadata value; arrays carry their element type.</summary>
public sealed record GgufValue(GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8)
{
    public static GgufValue Of(string value) => new(GgufValueType.String, value);
    public static GgufValue Of(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue Of(int value) => new(GgufValueType.Int32, value);
    public static GgufValue Of(ulong value) => new(GgufValueType.UInt64, value);
    public static GgufValue Of(float value) => new(GgufValueType.Float32, value);
    public static GgufValue Of(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue Array(GgufValueType elementType, System.Collections.IList values) =>
        new(GgufValueType.Array, values, elementType);
}
