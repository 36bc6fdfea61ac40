using KerasNet.Harness;

namespace KerasNet.Tests.Harness;

public class CliErrorsTests
{
    [Fact]
    public void Errors_are_one_line_with_exit_code_2_for_bad_input_and_1_for_failures()
    {
        var parallel = new AggregateException(new InvalidDataException("cat.3.jpg: not a JPEG\n(first bytes 00 01)"));
        Assert.Equal("error: catsdogs-dropout: cat.3.jpg: not a JPEG; (first bytes 00 01)", CliErrors.OneLine("catsdogs-dropout", parallel));
        Assert.Equal(CliErrors.BadInput, CliErrors.ExitCode(parallel));
        Assert.Equal(CliErrors.BadInput, CliErrors.ExitCode(new FileNotFoundException("no such file")));
        Assert.Equal(CliErrors.Failure, CliErrors.ExitCode(new IOException("No space left on device writing runs/x/best_weights.h5")));
        Assert.Equal("error: x: No space left on device writing w.h5", CliErrors.OneLine("x", new IOException("No space left on device writing w.h5")));
        // a bug names its type and where to look
        Assert.Equal("error: x: NullReferenceException: boom (--trace shows where)", CliErrors.OneLine("x", new NullReferenceException("boom")));

        var errors = new StringWriter();
        Assert.Equal(CliErrors.Failure, CliErrors.Run("x", trace: false, errors, () => throw new InvalidOperationException("bad state")));
        Assert.Single(errors.ToString().TrimEnd('\n').Split('\n'));
        errors = new StringWriter();
        CliErrors.Run("x", trace: true, errors, () => throw new InvalidOperationException("bad state"));
        Assert.Contains("   at ", errors.ToString());
    }

    [Fact]
    public void The_program_answers_bad_command_lines_and_missing_data_in_one_line_with_exit_code_2()
    {
        using var dir = new Fixtures.TempDir();
        foreach (var (args, expected) in new[]
                 {
                     (new[] { "catsdogs-dropout", "--epochs", "x" }, "error: Cannot parse argument 'x' for option '--epochs'"),
                     (new[] { "no-such-experiment" }, "Unrecognized command or argument 'no-such-experiment'"),
                     (new[] { "catsdogs-dropout", "--data-dir", Path.Combine(dir.Path, "none"), "--output", Path.Combine(dir.Path, "r") },
                         "error: catsdogs-dropout: No folder"),
                     (new[] { "fashion-mnist", "--workers", "100000", "--output", Path.Combine(dir.Path, "w") }, "error: fashion-mnist: --workers 100000: this machine has"),
                 })
        {
            var log = Path.Combine(dir.Path, "log.txt");
            var p = Fixtures.StartExperiments(log, null, args);
            Assert.Equal(CliErrors.BadInput, Fixtures.Finish(p, TimeSpan.FromMinutes(1)));
            var text = File.ReadAllText(log);
            Assert.Contains(expected, text);
            Assert.DoesNotContain("   at ", text);
            Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:"));
        }
    }
}
