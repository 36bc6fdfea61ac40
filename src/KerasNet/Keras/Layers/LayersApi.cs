using KerasNet.Keras.Initializers;
using KerasNet.Keras.Regularizers;

namespace KerasNet.Keras.Layers;

/// <summary>keras.layers: factories with Keras's argument names and defaults.</summary>
public sealed class LayersApi
{
    public InputLayer InputLayer(Shape input_shape, string? name = null) => new(input_shape, name);

    public Conv2D Conv2D(int filters, IntPair kernel_size, IntPair? strides = null, string padding = "valid",
        IntPair? dilation_rate = null, string? activation = null, bool use_bias = true,
        Initializer? kernel_initializer = null, Initializer? bias_initializer = null, Shape? input_shape = null,
        string? name = null, Regularizer? kernel_regularizer = null, Regularizer? bias_regularizer = null) =>
        new(filters, kernel_size, strides, padding, dilation_rate, activation, use_bias, kernel_initializer,
            bias_initializer, input_shape, name, kernel_regularizer, bias_regularizer);

    public MaxPooling2D MaxPooling2D(IntPair? pool_size = null, IntPair? strides = null, string padding = "valid",
        string? name = null) => new(pool_size, strides, padding, name);

    public AveragePooling2D AveragePooling2D(IntPair? pool_size = null, IntPair? strides = null, string padding = "valid",
        string? name = null) => new(pool_size, strides, padding, name);

    public Flatten Flatten(Shape? input_shape = null, string? name = null) => new(input_shape, name);

    public Dense Dense(int units, string? activation = null, bool use_bias = true, Initializer? kernel_initializer = null,
        Initializer? bias_initializer = null, Shape? input_shape = null, string? name = null,
        Regularizer? kernel_regularizer = null, Regularizer? bias_regularizer = null) =>
        new(units, activation, use_bias, kernel_initializer, bias_initializer, input_shape, name, kernel_regularizer, bias_regularizer);

    public Dropout Dropout(double rate, string? name = null) => new(rate, name);

    public Activation Activation(string activation, string? name = null) => new(activation, name);

    public GlobalAveragePooling2D GlobalAveragePooling2D(bool keepdims = false, string? name = null) => new(keepdims, name);

    public GlobalMaxPooling2D GlobalMaxPooling2D(bool keepdims = false, string? name = null) => new(keepdims, name);

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

    public SeparableConv2D SeparableConv2D(int filters, IntPair kernel_size, IntPair? strides = null, string padding = "valid",
        IntPair? dilation_rate = null, int depth_multiplier = 1, string? activation = null, bool use_bias = true,
        Initializer? depthwise_initializer = null, Initializer? pointwise_initializer = null, Initializer? bias_initializer = null,
        Regularizer? depthwise_regularizer = null, Regularizer? pointwise_regularizer = null, Regularizer? bias_regularizer = null,
        Shape? input_shape = null, string? name = null) =>
        new(filters, kernel_size, strides, padding, dilation_rate, depth_multiplier, activation, use_bias, depthwise_initializer,
            pointwise_initializer, bias_initializer, depthwise_regularizer, pointwise_regularizer, bias_regularizer, input_shape, name);

    public LeakyReLU LeakyReLU(double negative_slope = 0.3, string? name = null) => new(negative_slope, name);

    public Softmax Softmax(int axis = -1, string? name = null) => new(axis, name);

    public Rescaling Rescaling(double scale, double offset = 0.0, string? name = null) => new(scale, offset, name);

    public Resizing Resizing(int height, int width, string interpolation = "bilinear", bool crop_to_aspect_ratio = false, string? name = null) =>
        new(height, width, interpolation, crop_to_aspect_ratio, name);

    public CenterCrop CenterCrop(int height, int width, string? name = null) => new(height, width, name);

    public RandomCrop RandomCrop(int height, int width, int? seed = null, string? name = null) => new(height, width, seed, name);

    public RandomFlip RandomFlip(string mode = "horizontal_and_vertical", int? seed = null, string? name = null) => new(mode, seed, name);

    /// <summary>factor: a fraction of 2π, f for (-f, f) or (lower, upper).</summary>
    public RandomRotation RandomRotation((double Lower, double Upper) factor, string fill_mode = "reflect", double fill_value = 0, int? seed = null,
        string? name = null) => new(factor.Lower, factor.Upper, fill_mode, fill_value, seed, name);

    public RandomRotation RandomRotation(double factor, string fill_mode = "reflect", double fill_value = 0, int? seed = null, string? name = null) =>
        new(factor, null, fill_mode, fill_value, seed, name);

    public RandomZoom RandomZoom(double height_factor, double? width_factor = null, string fill_mode = "reflect", double fill_value = 0,
        int? seed = null, string? name = null) => new(height_factor, null, width_factor, null, fill_mode, fill_value, seed, name);

    public RandomZoom RandomZoom((double Lower, double Upper) height_factor, (double Lower, double Upper)? width_factor = null, string fill_mode = "reflect",
        double fill_value = 0, int? seed = null, string? name = null) =>
        new(height_factor.Lower, height_factor.Upper, width_factor?.Lower, width_factor?.Upper, fill_mode, fill_value, seed, name);

    public RandomTranslation RandomTranslation(double height_factor, double width_factor, string fill_mode = "reflect", double fill_value = 0,
        int? seed = null, string? name = null) => new(height_factor, width_factor, null, null, fill_mode, fill_value, seed, name);

    public RandomTranslation RandomTranslation((double Lower, double Upper) height_factor, (double Lower, double Upper) width_factor,
        string fill_mode = "reflect", double fill_value = 0, int? seed = null, string? name = null) =>
        new(height_factor.Lower, width_factor.Lower, height_factor.Upper, width_factor.Upper, fill_mode, fill_value, seed, name);

    public RandomContrast RandomContrast(double factor, (double Min, double Max)? value_range = null, int? seed = null, string? name = null) =>
        new(factor, null, value_range?.Min ?? 0, value_range?.Max ?? 255, seed, name);

    public RandomResizedCrop RandomResizedCrop(int height, int width, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        int? seed = null, string? name = null) => new(height, width, scale, ratio, seed, name);

    public RandomColorJitter RandomColorJitter(double brightness_factor = 0, double contrast_factor = 0, double saturation_factor = 0,
        double hue_factor = 0, (double Min, double Max)? value_range = null, int? seed = null, string? name = null) =>
        new(brightness_factor, contrast_factor, saturation_factor, hue_factor, value_range?.Min ?? 0, value_range?.Max ?? 255, seed, name);

    public RandomHue RandomHue(double factor, (double Min, double Max)? value_range = null, int? seed = null, string? name = null) =>
        new(factor, null, value_range?.Min ?? 0, value_range?.Max ?? 255, seed, name);

    public RandomHue RandomHue((double Lower, double Upper) factor, (double Min, double Max)? value_range = null, int? seed = null, string? name = null) =>
        new(factor.Lower, factor.Upper, value_range?.Min ?? 0, value_range?.Max ?? 255, seed, name);

    public RandomBrightness RandomBrightness(double factor, (double Min, double Max)? value_range = null, int? seed = null, string? name = null) =>
        new(factor, null, value_range?.Min ?? 0, value_range?.Max ?? 255, seed, name);

    public Permute Permute(int[] dims, string? name = null) => new(dims, name);

    public Normalization Normalization(int[]? axis = null, float[]? mean = null, float[]? variance = null, bool invert = false,
        string? name = null) => new(axis, mean, variance, invert, name);

    public Add Add(string? name = null) => new(name);

    public Multiply Multiply(string? name = null) => new(name);

    public Average Average(string? name = null) => new(name);

    public Subtract Subtract(string? name = null) => new(name);

    public Maximum Maximum(string? name = null) => new(name);

    public Minimum Minimum(string? name = null) => new(name);

    public Concatenate Concatenate(int axis = -1, string? name = null) => new(axis, name);

    /// <summary>keras.layers.add([a, b]): an Add layer applied to the tensors.</summary>
    public KerasTensor add(IReadOnlyList<KerasTensor> inputs, string? name = null) => new Add(name).Apply(inputs);

    /// <summary>keras.layers.concatenate([a, b], axis): a Concatenate layer applied to the tensors.</summary>
    public KerasTensor concatenate(IReadOnlyList<KerasTensor> inputs, int axis = -1, string? name = null) =>
        new Concatenate(axis, name).Apply(inputs);

    /// <summary>keras.layers.multiply([a, b]).</summary>
    public KerasTensor multiply(IReadOnlyList<KerasTensor> inputs, string? name = null) => new Multiply(name).Apply(inputs);

    /// <summary>keras.layers.average([a, b]).</summary>
    public KerasTensor average(IReadOnlyList<KerasTensor> inputs, string? name = null) => new Average(name).Apply(inputs);
}
