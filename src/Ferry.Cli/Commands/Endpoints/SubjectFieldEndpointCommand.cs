using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary>
/// <c>ferry endpoints subject-field &lt;name&gt; &lt;field&gt;|--clear</c>: the input field that carries the data subject's key
/// (stored only as a keyed hash; approver).
/// </summary>
internal sealed class SubjectFieldEndpointCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };
    private readonly Argument<string?> _field = new("field") { Description = "The input field carrying the subject key (e.g. applicant_id)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<bool> _clear = new("--clear") { Description = "Stop reading a subject key" };

    public SubjectFieldEndpointCommand(ClientOptions client)
        : base("subject-field", "Name the input field that carries the data subject's key; it is logged only as a keyed hash (approver).")
    {
        Arguments.Add(_name);
        Arguments.Add(_field);
        Options.Add(_clear);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var field = parseResult.GetValue(_field);
            var clear = parseResult.GetValue(_clear);
            if ((field is null) == !clear)
            {
                throw new CliException(ExitCodes.InvalidArguments, "give a field name or --clear (not both)");
            }

            return client.RunAsync(parseResult, async ferry =>
            {
                var view = await ferry.Subjects.SetFieldAsync(parseResult.GetValue(_name)!, field, cancellationToken);
                if (client.OutputOf(parseResult) == OutputFormat.Json)
                {
                    CliConsole.Json(view);
                }
                else
                {
                    CliConsole.Line(view.Field is { } f ? $"'{view.Endpoint}' reads the subject key from '{f}' (logged as a keyed hash)." : $"'{view.Endpoint}' reads no subject key.");
                }

                return ExitCodes.Success;
            });
        });
    }
}
