using System.CommandLine;

namespace Ferry.Cli.Commands.Subjects;

/// <summary><c>ferry subjects</c>: a data subject's decisions, exported (approver) or erased (admin).</summary>
internal sealed class SubjectsCommand : Command
{
    public SubjectsCommand()
        : base("subjects", "Export or erase a data subject's decisions, found by the key their endpoint's subject field carries.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new ExportSubjectCommand(client));
        Subcommands.Add(new EraseSubjectCommand(client));
    }

    /// <summary>The key argument: the subject's key, or '-' to read it from standard input (keeps it out of shell history).</summary>
    internal static Argument<string> KeyArgument() => new("key") { Description = "The subject's key (e.g. an applicant id), or - to read it from standard input" };

    /// <summary>The key given, read from standard input for '-'.</summary>
    internal static string ReadKey(string argument)
    {
        if (argument != "-")
        {
            return argument;
        }

        var line = Console.In.ReadLine()?.Trim();
        return string.IsNullOrEmpty(line) ? throw new CliException(ExitCodes.InvalidArguments, "no key on standard input") : line;
    }
}
