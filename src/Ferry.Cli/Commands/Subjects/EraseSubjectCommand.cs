using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Subjects;

/// <summary><c>ferry subjects erase KEY --yes</c>: erases a subject's personal inputs, keeping each decision's record (admin).</summary>
internal sealed class EraseSubjectCommand : Command
{
    private readonly Argument<string> _key = SubjectsCommand.KeyArgument();
    private readonly Option<bool> _yes = new("--yes") { Description = "Confirm the erasure (it cannot be undone)" };

    public EraseSubjectCommand(ClientOptions client)
        : base("erase", "Erase a data subject's personal inputs from the prediction log, ground truth and monitoring profiles; each decision's record stays (admin).")
    {
        Arguments.Add(_key);
        Options.Add(_yes);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            if (!parseResult.GetValue(_yes))
            {
                throw new CliException(ExitCodes.InvalidArguments, "erasure cannot be undone: add --yes to confirm");
            }

            var key = SubjectsCommand.ReadKey(parseResult.GetValue(_key)!);
            return client.RunAsync(parseResult, async ferry =>
            {
                var erasure = await ferry.Subjects.EraseAsync(key, cancellationToken);
                if (client.OutputOf(parseResult) == OutputFormat.Json)
                {
                    CliConsole.Json(erasure);
                }
                else
                {
                    CliConsole.Line($"Subject {erasure.SubjectHash}: {erasure.Decisions} decision(s); inputs erased now from {erasure.Erased}, before from {erasure.AlreadyErased}; "
                        + $"{erasure.Feedback} ground-truth row(s) removed; {erasure.ProfileBuckets} profile bucket(s) redacted, {erasure.ProfileBucketsRemoved} removed.");
                }

                return ExitCodes.Success;
            });
        });
    }
}
