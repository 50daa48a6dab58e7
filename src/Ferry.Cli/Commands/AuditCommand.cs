using System.CommandLine;
using Ferry.Cli.Commands.Audit;

namespace Ferry.Cli.Commands;

/// <summary><c>ferry audit</c>: read and verify the audit trail (approver or admin).</summary>
internal sealed class AuditCommand : Command
{
    public AuditCommand()
        : base("audit", "Read and verify the tamper-evident audit trail (needs an approver or admin token).")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new ListAuditCommand(client));
        Subcommands.Add(new VerifyAuditCommand(client));
        Subcommands.Add(new SealAuditCommand(client));
    }
}
