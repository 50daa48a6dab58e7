namespace Ferry.Core.Governance;

/// <summary>
/// A labelled evaluation dataset uploaded for a registered model (a holdout the quality gates can score candidates
/// and champions on). <see cref="Data"/> is the upload's <c>{"records": [...], "labels": [...]}</c> JSON, deflated (zlib).
/// </summary>
public sealed class HoldoutDataset
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>The dataset's name, unique per model.</summary>
    public required string Name { get; set; }

    /// <summary>Rows (records, each with a label).</summary>
    public int Rows { get; set; }

    /// <summary>The records' fields, comma-separated in first-seen order.</summary>
    public string Columns { get; set; } = string.Empty;

    /// <summary>The positive class for binary classifiers, or null for the one the model's score is the probability of.</summary>
    public string? PositiveLabel { get; set; }

    /// <summary>Where the rows came from (free text).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>SHA-256 (hex) of the uncompressed JSON, so a reviewer can tell which data a gate evaluated.</summary>
    public string Sha256 { get; set; } = string.Empty;

    /// <summary>Who uploaded it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When, epoch ms.</summary>
    public long CreatedAt { get; set; }

    /// <summary>The deflated JSON (empty in listings).</summary>
    public byte[] Data { get; set; } = [];
}

/// <summary>Port: holdout datasets per registered model; setting and deleting one are audited (<c>dataset.set</c>, <c>dataset.delete</c>).</summary>
public interface IHoldoutDatasetStore
{
    /// <summary>Creates or replaces the dataset <c>(ModelName, Name)</c>.</summary>
    Task SaveAsync(HoldoutDataset dataset, string actor, CancellationToken cancellationToken = default);

    /// <summary>The dataset with its data, or null.</summary>
    Task<HoldoutDataset?> FindAsync(string modelName, string name, CancellationToken cancellationToken = default);

    /// <summary>The model's datasets by name, without their data.</summary>
    Task<IReadOnlyList<HoldoutDataset>> ListAsync(string modelName, CancellationToken cancellationToken = default);

    /// <summary>Deletes the dataset; false when there was none.</summary>
    Task<bool> DeleteAsync(string modelName, string name, string actor, CancellationToken cancellationToken = default);
}
