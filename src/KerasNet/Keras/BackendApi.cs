namespace KerasNet.Keras;

/// <summary>keras.backend</summary>
public sealed class BackendApi
{
    /// <summary>Resets automatic layer names (conv2d, conv2d_1, ...), as Keras's clear_session does.</summary>
    public void clear_session() => Naming.Reset();

    /// <summary>Keras's fuzz factor, 1e-7.</summary>
    public double epsilon() => Losses.Loss.Epsilon;
}
