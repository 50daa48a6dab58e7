using Ferry.Cli.Output;
using Spectre.Console;

namespace Ferry.Cli.Commands.Ship;

/// <summary>Shows <c>ferry ship</c>'s steps as they run.</summary>
internal interface IShipProgress
{
    /// <summary>A step moved: <paramref name="fraction"/> from 0 to 1, with what it does now.</summary>
    void Report(string step, double fraction, string description);

    /// <summary>A step ended.</summary>
    void Done(ShipStepResult result);
}

/// <summary>Spectre.Console bars (on stderr, so stdout keeps only the result), one per step.</summary>
internal sealed class BarShipProgress : IShipProgress
{
    private const double Steps = 100;

    private readonly Dictionary<string, ProgressTask> _tasks;

    private BarShipProgress(ProgressContext context) =>
        _tasks = ShipSteps.All.ToDictionary(s => s.Name, s => context.AddTask(Markup.Escape(s.Title), autoStart: false, maxValue: Steps), StringComparer.Ordinal);

    /// <summary>Runs <paramref name="run"/> under the bars; they are cleared when it returns.</summary>
    public static Task<T> RunAsync<T>(Func<IShipProgress, Task<T>> run)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(context => run(new BarShipProgress(context)));
    }

    public void Report(string step, double fraction, string description)
    {
        var task = _tasks[step];
        task.StartTask();
        task.Description = Markup.Escape(description);
        task.Value = Math.Clamp(fraction, 0, 1) * Steps;
    }

    public void Done(ShipStepResult result)
    {
        var task = _tasks[result.Step];
        task.StartTask();
        task.Description = Markup.Escape($"{result.Step}: {result.Outcome}");
        task.Value = Steps;
        task.StopTask();
    }
}

/// <summary>One line per finished step on stdout (table output without a terminal to draw bars on).</summary>
internal sealed class LineShipProgress : IShipProgress
{
    public void Report(string step, double fraction, string description)
    {
    }

    public void Done(ShipStepResult result) => CliConsole.Line(ShipOutput.StepLine(result));
}

/// <summary>Shows nothing (JSON output prints the report at the end).</summary>
internal sealed class SilentShipProgress : IShipProgress
{
    public void Report(string step, double fraction, string description)
    {
    }

    public void Done(ShipStepResult result)
    {
    }
}
