namespace Ferry.Core.Registry;

/// <summary>One registered version of a model: where its files are, what it accepts and returns, where it came from.</summary>
public sealed class ModelVersion
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The registered model.</summary>
    public Guid ModelId { get; set; }

    /// <summary>1, 2, ... per model; never reused.</summary>
    public int Version { get; set; }

    /// <summary>The source URI the client gave (e.g. <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts/model</c>).</summary>
    public required string Source { get; set; }

    /// <summary>
    /// Where the model's files are in Ferry's artifact store (a relative path), once the source was resolved;
    /// null when the source points outside Ferry.
    /// </summary>
    public string? ArtifactPath { get; set; }

    /// <summary>The run that produced it, if any.</summary>
    public string? RunId { get; set; }

    /// <summary>A link to the run, as the client gave it.</summary>
    public string RunLink { get; set; } = string.Empty;

    /// <summary>Free text.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>Who registered it (the token name).</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>Legacy stage (<see cref="ModelStage"/>).</summary>
    public string CurrentStage { get; set; } = ModelStage.None;

    /// <summary>MLflow's registration status; Ferry registers synchronously, so always READY.</summary>
    public string Status { get; set; } = "READY";

    /// <summary>Status detail.</summary>
    public string StatusMessage { get; set; } = string.Empty;

    /// <summary>"onnx", "mlnet", or null when Ferry could not tell.</summary>
    public string? Flavor { get; set; }

    /// <summary>The typed input/output schema as JSON, when Ferry could read it.</summary>
    public string? SignatureJson { get; set; }

    /// <summary>MLflow 3's logged-model id, echoed back.</summary>
    public string? MlflowModelId { get; set; }

    /// <summary>Creation time, epoch ms.</summary>
    public long CreationTimestamp { get; set; }

    /// <summary>Last change, epoch ms.</summary>
    public long LastUpdatedTimestamp { get; set; }

    /// <summary>Deleted versions stay as rows (their numbers are not reused) but are invisible.</summary>
    public bool IsDeleted { get; set; }

    /// <summary>Tags.</summary>
    public List<ModelVersionTag> Tags { get; set; } = [];
}

/// <summary>A tag on a model version.</summary>
public sealed class ModelVersionTag
{
    /// <summary>The version.</summary>
    public Guid VersionId { get; set; }

    /// <summary>Key.</summary>
    public required string Key { get; set; }

    /// <summary>Value.</summary>
    public required string Value { get; set; }
}
