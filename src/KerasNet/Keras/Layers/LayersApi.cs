using KerasNet.Keras.Initializers;

namespace KerasNet.Keras.Layers;

/// <summary>keras.layers: factories with Keras's argument names and defaults.</summary>
public sealed class LayersApi
{
    public InputLayer InputLayer(Shape input_shape, string? name = null) => new(input_shape, name);

    public Conv2D Conv2D(int filters, IntPair kernel_size, IntPair? strides = null, string padding = "valid",
        IntPair? dilation_rate = null, string? activation = null, bool use_bias = true,
        Initializer? kernel_initializer = null, Initializer? bias_initializer = null, Shape? input_shape = null,
        string? name = null) =>
        new(filters, kernel_size, strides, padding, dilation_rate, activation, use_bias, kernel_initializer,
            bias_initializer, input_shape, name);

    public MaxPooling2D MaxPooling2D(IntPair? pool_size = null, IntPair? strides = null, string padding = "valid",
        string? name = null) => new(pool_size, strides, padding, name);

    public AveragePooling2D AveragePooling2D(IntPair? pool_size = null, IntPair? strides = null, string padding = "valid",
        string? name = null) => new(pool_size, strides, padding, name);

    public Flatten Flatten(Shape? input_shape = null, string? name = null) => new(input_shape, name);

    public Dense Dense(int units, string? activation = null, bool use_bias = true, Initializer? kernel_initializer = null,
        Initializer? bias_initializer = null, Shape? input_shape = null, string? name = null) =>
        new(units, activation, use_bias, kernel_initializer, bias_initializer, input_shape, name);

    public Dropout Dropout(double rate, string? name = null) => new(rate, name);

    public Activation Activation(string activation, string? name = null) => new(activation, name);

    public GlobalAveragePooling2D GlobalAveragePooling2D(bool keepdims = false, string? name = null) => new(keepdims, name);

    public GlobalMaxPooling2D GlobalMaxPooling2D(string? name = null) => new(name);

    public BatchNormalization BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3,
        bool center = true, bool scale = true, string? name = null) => new(axis, momentum, epsilon, center, scale, name: name);

    public DepthwiseConv2D DepthwiseConv2D(IntPair kernel_size, IntPair? strides = null, string padding = "valid",
        int depth_multiplier = 1, IntPair? dilation_rate = null, string? activation = null, bool use_bias = true,
        Initializer? depthwise_initializer = null, Initializer? bias_initializer = null, string? name = null) =>
        new(kernel_size, strides, padding, depth_multiplier, dilation_rate, activation, use_bias, depthwise_initializer,
            bias_initializer, name);

    public ReLU ReLU(double? max_value = null, double negative_slope = 0, double threshold = 0, string? name = null) =>
        new(max_value, negative_slope, threshold, name);

    public ZeroPadding2D ZeroPadding2D(Padding2D? padding = null, string? name = null) => new(padding, name);

    public Reshape Reshape(Shape target_shape, string? name = null) => new(target_shape, name);
}
