using Ferry.Cli.Output;
using Ferry.Core.Contracts;
using Spectre.Console;

namespace Ferry.Cli.Commands.Identity;

/// <summary>Tokens as a table: never the secret, only its display prefix.</summary>
internal static class TokenTable
{
    public static Table Of(IEnumerable<TokenView> tokens, bool showRevoked)
    {
        var table = showRevoked
            ? TableFormat.Create("Id", "Name", "Role", "Prefix", "Created by", "Created", "Expires", "Revoked")
            : TableFormat.Create("Id", "Name", "Role", "Prefix", "Created by", "Created", "Expires");
        foreach (var token in tokens)
        {
            string?[] cells =
            [
                token.Id.ToString("D"),
                token.Name,
                token.Role,
                token.DisplayPrefix + "…",
                token.CreatedBy,
                TableFormat.Time(token.CreatedAt),
                TableFormat.Time(token.ExpiresAt),
            ];
            table.AddTextRow(showRevoked ? [.. cells, TableFormat.Time(token.RevokedAt)] : cells);
        }

        return table;
    }
}
