namespace KerasNet.Engine;

/// <summary>Element types of a <see cref="Tensor"/>. The numbers are the native ABI (knt.h).</summary>
public enum DType
{
    Float32 = 0,
    Float64 = 1,
    Int32 = 2,
    Int64 = 3,
    UInt8 = 4,
    Bool = 5,
    BFloat16 = 6,
    Float16 = 7,
}

public static class DTypeExtensions
{
    public static int ElementSize(this DType t) => t switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        DType.UInt8 or DType.Bool => 1,
        DType.BFloat16 or DType.Float16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>The Keras/NumPy spelling ("float32", "uint8", ...).</summary>
    public static string KerasName(this DType t) => t switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.UInt8 => "uint8",
        DType.Bool => "bool",
        DType.BFloat16 => "bfloat16",
        DType.Float16 => "float16",
        _ => t.ToString(),
    };

    internal static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(byte)) return DType.UInt8;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        throw new NotSupportedException($"No tensor element type for {typeof(T).Name}.");
    }
}
