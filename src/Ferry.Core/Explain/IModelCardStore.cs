namespace Ferry.Core.Explain;

/// <summary>Port: the editable fields of model cards (JSON); each change is audited (<c>card.update</c>).</summary>
public interface IModelCardStore
{
    /// <summary>A version's card fields (JSON), or null.</summary>
    Task<string?> FindAsync(string modelName, int version, CancellationToken cancellationToken = default);

    /// <summary>Stores a version's card fields (JSON).</summary>
    Task SaveAsync(string modelName, int version, string fieldsJson, string actor, CancellationToken cancellationToken = default);
}
