using System.Diagnostics;
using KerasNet.Engine;
using static KerasNet.KerasApi;

namespace KerasNet.Bench;

/// <summary>
/// Training onto a full disk: a tiny tmpfs (mounting one needs the permission; skipped where it is refused) as the run
/// folder of catsdogs-dropout and oct-retina. Each must end with exit code 1 and one line that leads with "No space
/// left on device writing …", no native crash at exit (was SIGSEGV in HDF5's H5F__close_cb), no temporary left.
/// </summary>
public static class DiskProbe
{
    public static int Run(string? program)
    {
        var root = Path.Combine(Path.GetTempPath(), "knt-diskprobe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var cats = Path.Combine(root, "cats");
        KillProbe.WriteImages(Path.Combine(cats, "training_data"), 8, 1);
        KillProbe.WriteImages(Path.Combine(cats, "validation_data"), 4, 2);
        var oct = Path.Combine(root, "oct", "OCT2017");
        foreach (var split in new[] { "train", "test" })
            foreach (var label in new[] { "CNV", "DME", "DRUSEN", "NORMAL" })
            {
                Directory.CreateDirectory(Path.Combine(oct, split, label));
                for (int i = 0; i < 2; i++)
                {
                    using var img = Tensor.Full([40, 60, 3], 30.0 * i + 50);
                    keras.utils.save_img(Path.Combine(oct, split, label, $"{label}-{i}-1.jpeg"), img);
                }
            }
        var cases = new[]
        {
            ("catsdogs-dropout (best_weights.h5, 14.8 MB)", "2m", $"catsdogs-dropout --data-dir {cats} --epochs 1 --verbose 0 --threads 1"),
            ("oct-retina (final weights, 1.1 MB)", "300k", $"oct-retina --data-dir {Path.Combine(root, "oct")} --epochs 1 --verbose 0 --threads 1 --backbone mobilenet --weights none"),
        };
        bool ok = true;
        try
        {
            foreach (var (name, size, args) in cases)
            {
                var mount = Path.Combine(root, "full-" + size);
                Directory.CreateDirectory(mount);
                if (Shell("mount", $"-t tmpfs -o size={size} tmpfs {mount}") != 0)
                {
                    Console.WriteLine("RESULT disk-probe SKIP: cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
                    return 0;
                }
                try
                {
                    if (program is not null) KillProbe.ProgramOverride = program;
                    int code = KillProbe.Experiments($"{args} --output {Path.Combine(mount, "run")}", out var log);
                    var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    var temporaries = Directory.GetFiles(mount, "*.tmp-*", SearchOption.AllDirectories);
                    bool pass = code == 1 && lines.Length == 1 && lines[0].Contains(": No space left on device writing ") && temporaries.Length == 0;
                    ok &= pass;
                    Console.WriteLine($"{name} on a {size} tmpfs: exit {code}{(code > 128 ? $" (signal {code - 128})" : "")}, " +
                                      $"{lines.Length} line(s): {log.Trim()} ; temporaries left: {temporaries.Length} → {(pass ? "ok" : "WRONG")}");
                }
                finally
                {
                    Shell("umount", mount);
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
        Console.WriteLine($"RESULT disk-probe cases={cases.Length} {(ok ? "PASS" : "FAIL")}");
        return ok ? 0 : 1;
    }

    private static int Shell(string file, string args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true })!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
