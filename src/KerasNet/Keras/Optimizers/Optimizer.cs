using KerasNet.Engine;

namespace KerasNet.Keras.Optimizers;

/// <summary>
/// Base of Keras optimizers. Updates follow Keras's formulas exactly (they differ from PyTorch's:
/// e.g. Adam's epsilon is "epsilon hat", added after bias correction). <c>decay</c> is Keras 2's
/// inverse-time decay: lr_t = learning_rate / (1 + decay · iterations). Accepted by name where an
/// Optimizer is expected: <c>optimizer: "adam"</c>. Its per-variable state (slots) is freed by
/// Dispose, or per variable when the model owning them is disposed. <c>weight_decay</c> is Keras 3's decoupled
/// decay: before each update, w -= w · weight_decay · lr for every variable not excluded (exclude_from_weight_decay).
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<Variable, Dictionary<string, Tensor>> _slots = new(ReferenceEqualityComparer.Instance);

    protected Optimizer(double learning_rate, double decay, string name, double? weight_decay = null)
    {
        this.weight_decay = weight_decay;
        if (learning_rate < 0) throw new ArgumentException($"learning_rate must be ≥ 0, got {learning_rate}.");
        if (decay < 0) throw new ArgumentException($"decay must be ≥ 0, got {decay}.");
        this.learning_rate = learning_rate;
        this.decay = decay;
        this.name = name;
    }

    public string name { get; }

    /// <summary>The base learning rate (callbacks such as ReduceLROnPlateau change it between steps).</summary>
    public double learning_rate { get; set; }

    public double decay { get; }

    /// <summary>Keras 3's decoupled weight decay (null or 0: none): w -= w · weight_decay · lr before each update.</summary>
    public double? weight_decay
    {
        get => _weightDecay;
        init
        {
            if (value is < 0) throw new ArgumentException($"weight_decay must be ≥ 0, got {value}.");
            _weightDecay = value;
        }
    }

    private readonly double? _weightDecay;
    private readonly List<string> _excludedNames = new();
    private readonly HashSet<Variable> _excluded = new(ReferenceEqualityComparer.Instance);

    /// <summary>Keras 3's exclude_from_weight_decay: these variables, and those whose path contains one of the names (e.g. "bias", "bn"), are not decayed.</summary>
    public void exclude_from_weight_decay(IEnumerable<Variable>? var_list = null, IEnumerable<string>? var_names = null)
    {
        foreach (var v in var_list ?? []) _excluded.Add(v);
        _excludedNames.AddRange(var_names ?? []);
    }

    private bool Decays(Variable v) => weight_decay is > 0 && !_excluded.Contains(v) && !_excludedNames.Any(n => v.path.Contains(n, StringComparison.Ordinal));

    /// <summary>Number of update steps applied so far.</summary>
    public long iterations { get; set; }

    /// <summary>The learning rate the next step uses, after decay.</summary>
    public double CurrentLearningRate => learning_rate / (1.0 + decay * iterations);

    /// <summary>Applies one update to each variable from its gradient, then counts the step.</summary>
    public void apply_gradients(IEnumerable<(Tensor grad, Variable variable)> grads_and_vars)
    {
        double lr = CurrentLearningRate;
        using (new TensorScope())
        using (Autograd.NoGrad())
        {
            foreach (var (grad, variable) in grads_and_vars)
            {
                if (!grad.Shape.SequenceEqual(variable.shape))
                    throw new ArgumentException(
                        $"Gradient shape {Tensor.FormatShape(grad.Shape)} does not match variable '{variable.path}' {Tensor.FormatShape(variable.shape)}.");
                if (Decays(variable)) variable.Value.AddInPlace(variable.Value, -weight_decay!.Value * lr);  // Keras 3: before the update
                UpdateStep(grad, variable, lr);
            }
        }
        iterations++;
    }

    /// <summary>One Keras update_step for one variable (grad mode is off; temporaries are scoped).</summary>
    protected abstract void UpdateStep(Tensor grad, Variable variable, double lr);

    /// <summary>A per-variable state tensor (momentum, velocity...), zero-initialised on first use.</summary>
    protected Tensor Slot(Variable variable, string slotName)
    {
        if (!_slots.TryGetValue(variable, out var slots)) _slots[variable] = slots = new();
        if (!slots.TryGetValue(slotName, out var t))
            slots[slotName] = t = FusedUpdates.ZerosLike(variable.Value).ReleaseFromScope();  // its layout: fused updates walk both in step
        return t;
    }

    /// <summary>
    /// The optimizer's state for <paramref name="variables"/> (in that order): slot values by
    /// "index/slot" name, plus the step count; for checkpoints that resume training exactly.
    /// </summary>
    public (long Iterations, Dictionary<string, (float[] Data, long[] Shape)> Slots) GetState(IReadOnlyList<Variable> variables)
    {
        var slots = new Dictionary<string, (float[], long[])>();
        for (int i = 0; i < variables.Count; i++)
            if (_slots.TryGetValue(variables[i], out var s))
                foreach (var (name, t) in s)
                {
                    using var contiguous = t.Contiguous();
                    slots[$"{i}/{name}"] = (contiguous.ToArray<float>(), t.Shape);
                }
        return (iterations, slots);
    }

    public void SetState(IReadOnlyList<Variable> variables, long iterationCount, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> slots)
    {
        iterations = iterationCount;
        foreach (var (key, (data, shape)) in slots)
        {
            var parts = key.Split('/');
            var variable = variables[int.Parse(parts[0])];
            var slot = Slot(variable, parts[1]);
            using var value = Tensor.FromArray(data, shape);
            using (Autograd.NoGrad()) slot.CopyFrom(value);
        }
    }

    /// <summary>The state tensors of one variable, by name (for inspection and checkpoints).</summary>
    public IReadOnlyDictionary<string, Tensor> SlotsOf(Variable variable) =>
        _slots.TryGetValue(variable, out var s) ? s : new Dictionary<string, Tensor>();

    /// <summary>Frees the state kept for these variables (their model is being disposed).</summary>
    public void ReleaseSlots(IEnumerable<Variable> variables)
    {
        foreach (var v in variables)
            if (_slots.Remove(v, out var slots))
                foreach (var t in slots.Values) t.Dispose();
    }

    /// <summary>Frees every slot now; the optimizer starts from fresh state if used again.</summary>
    public void Dispose()
    {
        foreach (var slots in _slots.Values)
            foreach (var t in slots.Values) t.Dispose();
        _slots.Clear();
        GC.SuppressFinalize(this);
    }

    public static Optimizer Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "adam" => new Adam(),
        "rmsprop" => new RMSprop(),
        "sgd" => new SGD(),
        _ => throw new ArgumentException($"Unknown optimizer '{identifier}'. Known: adam, rmsprop, sgd."),
    };

    public static implicit operator Optimizer(string identifier) => Get(identifier);
}
