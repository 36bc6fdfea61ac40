namespace KerasNet.Engine;

/// <summary>
/// A tensor operation failed in the engine (bad shapes, dtypes, ...). Carries the op name, the
/// engine's own message and the input shapes; the process and every other tensor stay usable.
/// </summary>
public sealed class TensorOpException : InvalidOperationException
{
    public TensorOpException(string op, string engineMessage, IReadOnlyList<long[]> inputShapes, string? context = null,
        Exception? inner = null)
        : base(Format(op, engineMessage, inputShapes, context), inner)
    {
        Op = op;
        EngineMessage = engineMessage;
        InputShapes = inputShapes;
    }

    /// <summary>The engine op that failed, e.g. "conv2d".</summary>
    public string Op { get; }

    /// <summary>libtorch's message, without its C++ backtrace.</summary>
    public string EngineMessage { get; }

    public IReadOnlyList<long[]> InputShapes { get; }

    /// <summary>The same failure, with the layer (or other caller) that issued the op named first.</summary>
    public TensorOpException WithContext(string context) =>
        new(Op, EngineMessage, InputShapes, context, this);

    private static string Format(string op, string msg, IReadOnlyList<long[]> shapes, string? context)
    {
        var inputs = string.Join(", ", shapes.Select(Tensor.FormatShape));
        var prefix = context is null ? "" : context + ": ";
        return $"{prefix}op '{op}' failed on inputs {inputs}: {msg.Trim()}";
    }
}
