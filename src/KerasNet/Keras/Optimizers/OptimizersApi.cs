namespace KerasNet.Keras.Optimizers;

/// <summary>keras.optimizers</summary>
public sealed class OptimizersApi
{
    public Adam Adam(double learning_rate = 0.001, double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7,
        bool amsgrad = false, double decay = 0, double? weight_decay = null) => new(learning_rate, beta_1, beta_2, epsilon, amsgrad, decay, weight_decay: weight_decay);

    /// <summary>Keras 3's AdamW: Adam with decoupled weight decay (default 0.004).</summary>
    public Adam AdamW(double learning_rate = 0.001, double weight_decay = 0.004, double beta_1 = 0.9, double beta_2 = 0.999, double epsilon = 1e-7,
        bool amsgrad = false) => new(learning_rate, beta_1, beta_2, epsilon, amsgrad, 0, "AdamW", weight_decay);

    public RMSprop RMSprop(double learning_rate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7,
        bool centered = false, double decay = 0, double? weight_decay = null) => new(learning_rate, rho, momentum, epsilon, centered, decay, weight_decay: weight_decay);

    public SGD SGD(double learning_rate = 0.01, double momentum = 0.0, bool nesterov = false, double decay = 0, double? weight_decay = null) =>
        new(learning_rate, momentum, nesterov, decay, weight_decay: weight_decay);
}
