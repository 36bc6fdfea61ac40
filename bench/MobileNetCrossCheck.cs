using System.Diagnostics;
using System.Text.Json;
using KerasNet.Engine;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// MobileNet α0.25 features from the real Keras weights on real cats-vs-dogs images, against the
/// independent PyTorch reference in bench/reference/mobilenet_reference.py. Goal: max |diff| ≤ 1e-4.
/// </summary>
internal static class MobileNetCrossCheck
{
    public static int Run(string weights, string imagesDir, int count, int size)
    {
        var images = Directory.GetFiles(imagesDir, "*.jpg").Order(StringComparer.Ordinal).Take(count).ToList();
        if (images.Count == 0) throw new FileNotFoundException($"No .jpg files in {imagesDir}.");
        var model = keras.applications.MobileNet(input_shape: (size, size, 3), alpha: 0.25, include_top: false, weights: weights);
        var dir = Directory.CreateTempSubdirectory("knt-crosscheck-").FullName;
        using (new TensorScope())
        {
            var pixels = Tensor.Concat(images.Select(p => keras.utils.img_to_array(keras.utils.load_img(p, target_size: (size, size)))
                .Reshape(1, size, size, 3)).ToList());
            var features = model.predict(keras.applications.mobilenet.preprocess_input(pixels), batch_size: 8);
            WriteFloats(Path.Combine(dir, "pixels.f32"), pixels.ToArray<float>());
            WriteFloats(Path.Combine(dir, "features.f32"), features.ToArray<float>());
            File.WriteAllText(Path.Combine(dir, "manifest.json"), JsonSerializer.Serialize(new
            {
                size,
                images = images.Select(Path.GetFullPath).ToList(),
                feature_shape = features.Shape.Skip(1).ToList(),
            }));
        }
        var psi = new ProcessStartInfo(PythonTwin.Python,
            $"\"{Path.Combine(Path.GetDirectoryName(PythonTwin.Script)!, "..", "reference", "mobilenet_reference.py")}\" \"{dir}\" \"{weights}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Directory.Delete(dir, recursive: true);
        if (p.ExitCode != 0) throw new InvalidOperationException($"reference failed (needs python3-torch, python3-h5py, python3-pil):\n{stderr}");
        var r = JsonDocument.Parse(stdout.Trim().Split('\n').Last()).RootElement;
        double diff = r.GetProperty("feature_max_abs_diff").GetDouble();
        Console.WriteLine("reference: " + stdout.Trim().Split('\n').Last());
        Console.WriteLine($"RESULT mobilenet-crosscheck images={images.Count} size={size} features={r.GetProperty("feature_shape")} " +
                          $"feature_max_abs_diff={diff:E2} (goal <= 1e-4) own_decoding_diff={r.GetProperty("feature_max_abs_diff_own_decoding").GetDouble():E2} " +
                          $"pixel_max_abs_diff={r.GetProperty("pixel_max_abs_diff").GetDouble()} feature_max_abs={r.GetProperty("feature_max_abs").GetDouble():F3}");
        return diff <= 1e-4 ? 0 : 1;
    }

    private static void WriteFloats(string path, float[] data)
    {
        var bytes = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(path, bytes);
    }
}
