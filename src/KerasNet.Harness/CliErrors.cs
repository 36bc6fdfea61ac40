using System.Reflection;

namespace KerasNet.Harness;

/// <summary>
/// How the command-line programs end on an error: one line on stderr naming the command and what went wrong
/// (the stack trace only with --trace), and an exit code that tells bad input (2) from a failure (1);
/// interruptions end with 128 + the signal (130 SIGINT, 143 SIGTERM), as a shell reports them.
/// </summary>
public static class CliErrors
{
    public const int Failure = 1, BadInput = 2;

    /// <summary>The error itself: AggregateException (Parallel.For), TargetInvocationException and TypeInitializationException unwrapped.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException a when a.Flatten().InnerExceptions.Count > 0:
                    e = a.Flatten().InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                case TypeInitializationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                default:
                    return e;
            }
        }
    }

    /// <summary>
    /// 2 when the input is at fault (an option, a file or folder that is missing or not what it should be, a refused run
    /// folder); 1 for anything else (a failed write, the engine, a bug).
    /// </summary>
    public static int ExitCode(Exception e) => Unwrap(e) switch
    {
        ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or FormatException
            or NotSupportedException or System.Text.Json.JsonException => BadInput,
        _ => Failure,
    };

    /// <summary>"error: COMMAND: message" on one line (a multi-line message joined with "; ").</summary>
    public static string OneLine(string command, Exception e)
    {
        var error = Unwrap(e);
        var lines = error.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var message = string.Join("; ", lines);
        // a bug's exception type says more than its message; the expected ones read as sentences
        var kind = ExitCode(error) == BadInput || error is IOException or UnauthorizedAccessException or TimeoutException
            ? "" : $"{error.GetType().Name}: ";
        return $"error: {command}: {kind}{message}" + (kind.Length > 0 ? " (--trace shows where)" : "");
    }

    /// <summary>Runs a command's action; an exception becomes one line on <paramref name="errors"/> and its exit code.</summary>
    public static int Run(string command, bool trace, TextWriter errors, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e)
        {
            errors.WriteLine(OneLine(command, e));
            if (trace) errors.WriteLine(Unwrap(e).ToString());
            return ExitCode(e);
        }
    }
}
