using KerasNet.Engine;

namespace KerasNet.TF;

/// <summary>tf.io</summary>
public sealed class IoApi
{
    /// <summary>The file's bytes as a uint8 tensor that remembers its path (decoders name it in errors).</summary>
    public Tensor read_file(string filename)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(filename);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{filename}: cannot read file: {e.Message}", e);
        }
        var t = Tensor.FromArray<byte>(bytes, bytes.Length);
        t.Source = filename;
        return t;
    }
}

/// <summary>tf.strings</summary>
public sealed class StringsApi
{
    /// <summary>Splits a string on a separator (tf.strings.split on one string).</summary>
    public string[] split(string input, string sep = " ") => input.Split(sep);
}
