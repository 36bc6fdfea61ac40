namespace KerasNet.Keras.Layers;

/// <summary>Output sizes and paddings of convolutions and pools, computed as TensorFlow does.</summary>
public static class ConvUtils
{
    public static string NormalizePadding(string padding)
    {
        var p = padding.ToLowerInvariant();
        if (p is not ("valid" or "same"))
            throw new ArgumentException($"padding must be 'valid' or 'same', got '{padding}'.");
        return p;
    }

    /// <summary>Output length along one axis; null when the input length is unknown.</summary>
    public static int? OutputLength(int? input, int kernel, int stride, string padding, int dilation = 1)
    {
        if (input is not { } n) return null;
        int effective = (kernel - 1) * dilation + 1;
        return padding == "same" ? (n + stride - 1) / stride : Math.Max(0, (n - effective) / stride + 1);
    }

    /// <summary>(top, bottom, left, right) padding of an NHWC input for a 2-D window, as TensorFlow pads it.</summary>
    public static (int Top, int Bottom, int Left, int Right) Pads(long[] nhwc, IntPair kernel, IntPair strides, string padding, IntPair? dilation = null)
    {
        var d = dilation ?? 1;
        var (top, bottom) = Padding((int)nhwc[1], kernel.H, strides.H, padding, d.H);
        var (left, right) = Padding((int)nhwc[2], kernel.W, strides.W, padding, d.W);
        return (top, bottom, left, right);
    }

    /// <summary>The (batch, height, width, channels) output shape of a 2-D window over an NHWC shape.</summary>
    public static Shape OutputShape(Shape s, IntPair kernel, IntPair strides, string padding, int? channels, IntPair? dilation = null)
    {
        var d = dilation ?? 1;
        return new Shape(s[0], OutputLength(s[1], kernel.H, strides.H, padding, d.H), OutputLength(s[2], kernel.W, strides.W, padding, d.W),
            channels);
    }

    /// <summary>
    /// TensorFlow's 'same' padding along one axis: total = max((ceil(n/s)-1)·s + (k-1)·d + 1 - n, 0),
    /// with the odd pixel after (bottom/right). 'valid' pads nothing.
    /// </summary>
    public static (int Before, int After) Padding(int input, int kernel, int stride, string padding, int dilation = 1)
    {
        if (padding != "same") return (0, 0);
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>The window keys of a convolution's Keras config, in Keras's order: kernel_size, strides, padding, data_format, dilation_rate.</summary>
    internal static void WriteWindow(System.Text.Json.Nodes.JsonObject c, IntPair kernel_size, IntPair strides, string padding, IntPair dilation_rate)
    {
        c["kernel_size"] = Saving.Json.Pair(kernel_size.H, kernel_size.W);
        c["strides"] = Saving.Json.Pair(strides.H, strides.W);
        c["padding"] = padding;
        c["data_format"] = "channels_last";
        c["dilation_rate"] = Saving.Json.Pair(dilation_rate.H, dilation_rate.W);
    }
}
