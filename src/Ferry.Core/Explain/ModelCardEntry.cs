namespace Ferry.Core.Explain;

/// <summary>The editable fields of a model version's card, as JSON (<c>ModelCardFields</c>). Times are epoch ms.</summary>
public sealed class ModelCardEntry
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version.</summary>
    public int ModelVersion { get; set; }

    /// <summary>The fields, as JSON.</summary>
    public required string FieldsJson { get; set; }

    /// <summary>Who last changed them.</summary>
    public string UpdatedBy { get; set; } = string.Empty;

    /// <summary>When, epoch ms.</summary>
    public long UpdatedAt { get; set; }
}
