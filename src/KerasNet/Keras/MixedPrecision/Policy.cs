using KerasNet.Engine;

namespace KerasNet.Keras.MixedPrecision;

/// <summary>
/// A Keras dtype policy: the dtype layers compute in and the dtype their variables are stored in.
/// "float32"; "mixed_bfloat16" (compute bfloat16, variables float32: AMX convolutions on this CPU);
/// "mixed_float16" (needs a CUDA engine).
/// </summary>
public sealed class Policy
{
    public Policy(string name)
    {
        (compute_dtype, variable_dtype) = name switch
        {
            "float32" => (DType.Float32, DType.Float32),
            "mixed_bfloat16" => (DType.BFloat16, DType.Float32),
            "mixed_float16" => (DType.Float16, DType.Float32),
            "bfloat16" => (DType.BFloat16, DType.BFloat16),
            _ => throw new ArgumentException($"Unknown dtype policy '{name}'. Known: float32, mixed_bfloat16, mixed_float16."),
        };
        if (compute_dtype == DType.Float16)
            throw new NotSupportedException(
                "mixed_float16 needs a CUDA engine: this libtorch is CPU-only and has no float16 convolutions or matrix products on the CPU. " +
                "Use mixed_bfloat16 on this CPU.");
        if (variable_dtype != DType.Float32)
            throw new NotSupportedException($"Policy '{name}': variables are kept in float32; use mixed_bfloat16.");
        this.name = name;
    }

    public string name { get; }
    public DType compute_dtype { get; }
    public DType variable_dtype { get; }

    public bool IsMixed => compute_dtype != variable_dtype;

    public static implicit operator Policy(string name) => new(name);

    public override string ToString() => $"<Policy \"{name}\">";

    private static Policy _global = new("float32");

    /// <summary>The policy layers created from now on take (keras.mixed_precision.global_policy()).</summary>
    public static Policy Global
    {
        get => _global;
        set => _global = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>A floating tensor in <paramref name="dtype"/> (integers and matching dtypes pass through).</summary>
    internal static Tensor Cast(Tensor x, DType dtype) =>
        x.DType == dtype || x.DType is not (DType.Float32 or DType.BFloat16 or DType.Float16 or DType.Float64) ? x : x.AsType(dtype);
}

/// <summary>keras.mixed_precision</summary>
public sealed class MixedPrecisionApi
{
    /// <summary>Sets the policy of layers created afterwards: "float32" or "mixed_bfloat16".</summary>
    public void set_global_policy(Policy policy) => KerasNet.Keras.MixedPrecision.Policy.Global = policy;

    public Policy global_policy() => KerasNet.Keras.MixedPrecision.Policy.Global;

    public Policy Policy(string name) => new(name);
}
