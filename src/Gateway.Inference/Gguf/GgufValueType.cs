namespace Gateway.Inference.Gguf;

/// <summary>The value types of a GGUF metadata entry, numbered as in the GGUF v3 specification.</summary>
#pragma warning disable CA1720 // The names are the specification's.
public enum GgufValueType : uint
{
    /// <summary>An unsigned 8-bit integer.</summary>
    UInt8 = 0,

    /// <summary>A signed 8-bit integer.</summary>
    Int8 = 1,

    /// <summary>An unsigned 16-bit integer.</summary>
    UInt16 = 2,

    /// <summary>A signed 16-bit integer.</summary>
    Int16 = 3,

    /// <summary>An unsigned 32-bit integer: llama.cpp's type for dimensions and token ids.</summary>
    UInt32 = 4,

    /// <summary>A signed 32-bit integer: the element type of <c>tokenizer.ggml.token_type</c>.</summary>
    Int32 = 5,

    /// <summary>A 32-bit IEEE float.</summary>
    Float32 = 6,

    /// <summary>A boolean stored as one byte (0 or 1).</summary>
    Bool = 7,

    /// <summary>A UTF-8 string prefixed by its 64-bit byte length.</summary>
    String = 8,

    /// <summary>An array: element type, 64-bit count, then the elements (no nested arrays are written).</summary>
    Array = 9,

    /// <summary>An unsigned 64-bit integer.</summary>
    UInt64 = 10,

    /// <summary>A signed 64-bit integer.</summary>
    Int64 = 11,

    /// <summary>A 64-bit IEEE float.</summary>
    Float64 = 12,
}
#pragma warning restore CA1720

/// <summary>The tensor element types this writer produces (a subset of ggml's types).</summary>
public enum GgufTensorType : uint
{
    /// <summary>32-bit floats, unquantised: what norms are always written as.</summary>
    F32 = 0,

    /// <summary>IEEE half-precision floats.</summary>
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
    /// <summary>A <see cref="GgufValueType.String"/> value.</summary>
    public static GgufValue Of(string value) => new(GgufValueType.String, value);

    /// <summary>A <see cref="GgufValueType.UInt32"/> value: the type llama.cpp expects for dimensions and token ids.</summary>
    public static GgufValue Of(uint value) => new(GgufValueType.UInt32, value);

    /// <summary>An <see cref="GgufValueType.Int32"/> value.</summary>
    public static GgufValue Of(int value) => new(GgufValueType.Int32, value);

    /// <summary>A <see cref="GgufValueType.UInt64"/> value.</summary>
    public static GgufValue Of(ulong value) => new(GgufValueType.UInt64, value);

    /// <summary>A <see cref="GgufValueType.Float32"/> value.</summary>
    public static GgufValue Of(float value) => new(GgufValueType.Float32, value);

    /// <summary>A <see cref="GgufValueType.Bool"/> value.</summary>
    public static GgufValue Of(bool value) => new(GgufValueType.Bool, value);

    /// <summary>
    /// An array whose elements are all of <paramref name="elementType"/>; each element of <paramref name="values"/>
    /// must convert to that type when written (a <see cref="string"/> for <see cref="GgufValueType.String"/>).
    /// </summary>
    public static GgufValue Array(GgufValueType elementType, System.Collections.IList values) =>
        new(GgufValueType.Array, values, elementType);
}
