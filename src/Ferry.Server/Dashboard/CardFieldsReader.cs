using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Explain;
using Ferry.Server.Explain;

namespace Ferry.Server.Dashboard;

/// <summary>Reads model-card fields for pages (owner, decision rule), tolerating versions without a card.</summary>
public sealed class CardFieldsReader(IModelCardStore cards)
{
    /// <summary>The card's fields of a version (empty when it has no card).</summary>
    public async Task<ModelCardFields> FieldsAsync(string model, int version, CancellationToken cancellationToken)
    {
        var json = await cards.FindAsync(model, version, cancellationToken);
        if (json is null)
        {
            return new ModelCardFields();
        }

        try
        {
            return JsonSerializer.Deserialize(json, ExplainJsonContext.Default.ModelCardFields) ?? new ModelCardFields();
        }
        catch (JsonException)
        {
            return new ModelCardFields();
        }
    }

    /// <summary>The owner named on a version's card, if any.</summary>
    public async Task<string?> OwnerAsync(string model, int version, CancellationToken cancellationToken) =>
        (await FieldsAsync(model, version, cancellationToken)).Owner;
}
