namespace KerasNet.Keras.Regularizers;

/// <summary>keras.regularizers</summary>
public sealed class RegularizersApi
{
    public L1L2 L1L2(double l1 = 0.0, double l2 = 0.0) => new(l1, l2);

    public L1L2 L1(double l1 = 0.01) => new(l1, 0, "L1");

    public L1L2 L2(double l2 = 0.01) => new(0, l2, "L2");

    public L1L2 l1_l2(double l1 = 0.01, double l2 = 0.01) => new(l1, l2);
}
