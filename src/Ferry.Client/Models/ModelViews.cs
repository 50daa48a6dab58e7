using System.Text.Json;
using Ferry.Core.Signatures;

namespace Ferry.Client.Models;

/// <summary>A registered model as Ferry's <c>/api/v1/models</c> shows it.</summary>
public sealed class ModelView : JsonView
{
    /// <summary>Wraps the server's JSON object.</summary>
    public ModelView(JsonElement json)
        : base(json)
    {
    }

    /// <summary>The model's name.</summary>
    public string? Name => Text("name");

    /// <summary>Free text.</summary>
    public string? Description => Text("description");

    /// <summary>The newest version number, when the server says.</summary>
    public int? LatestVersion => Number("latestVersion", "latest_version") ?? Versions.Select(v => v.Version).Max();

    /// <summary>The versions listed with the model (empty when the server lists none here).</summary>
    public IReadOnlyList<ModelVersionView> Versions => Property("versions") is { ValueKind: JsonValueKind.Array } array
        ? [.. array.EnumerateArray().Select(v => new ModelVersionView(v))]
        : [];

    /// <summary>Alias → version number, read from an object (<c>{"champion": 2}</c>) or a list of <c>{alias, version}</c>.</summary>
    public IReadOnlyDictionary<string, int> Aliases => ReadAliases(Property("aliases"));

    private static Dictionary<string, int> ReadAliases(JsonElement? aliases)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        switch (aliases)
        {
            case { ValueKind: JsonValueKind.Object } obj:
                foreach (var property in obj.EnumerateObject())
                {
                    if (new AliasEntry(property.Value).VersionNumber is { } number)
                    {
                        map[property.Name] = number;
                    }
                }

                break;
            case { ValueKind: JsonValueKind.Array } array:
                foreach (var item in array.EnumerateArray().Select(i => new AliasEntry(i)))
                {
                    if (item.Alias is { } alias && item.VersionNumber is { } number)
                    {
                        map[alias] = number;
                    }
                }

                break;
        }

        return map;
    }

    private sealed class AliasEntry(JsonElement json) : JsonView(json)
    {
        public string? Alias => Text("alias", "name");

        public int? VersionNumber => Json.ValueKind == JsonValueKind.Number && Json.TryGetInt32(out var n) ? n : Number("version");
    }
}

/// <summary>One model version as Ferry's <c>/api/v1/models/{name}/versions/{version}</c> shows it: flavor and signature included.</summary>
public sealed class ModelVersionView : JsonView
{
    /// <summary>Wraps the server's JSON object.</summary>
    public ModelVersionView(JsonElement json)
        : base(json)
    {
    }

    /// <summary>The registered model's name.</summary>
    public string? Name => Text("name", "modelName", "model_name", "model");

    /// <summary>The version number.</summary>
    public int? Version => Number("version");

    /// <summary>"onnx", "mlnet", or null when Ferry could not tell.</summary>
    public string? Flavor => Text("flavor");

    /// <summary>Where the files came from (the MLflow source URI).</summary>
    public string? Source => Text("source");

    /// <summary>The run that produced it.</summary>
    public string? RunId => Text("runId", "run_id");

    /// <summary>The aliases pointing at it.</summary>
    public IReadOnlyList<string> Aliases => Property("aliases") is { ValueKind: JsonValueKind.Array } array
        ? [.. array.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : new AliasName(a).Alias ?? a.GetRawText())]
        : [];

    /// <summary>The typed inputs and outputs, when Ferry could read them from the model file.</summary>
    public ModelSignature? Signature => Property("signature", "signatureJson", "signature_json") switch
    {
        { ValueKind: JsonValueKind.Object } obj => TryRead(obj.GetRawText()),
        { ValueKind: JsonValueKind.String } text => TryRead(text.GetString()!),
        _ => null,
    };

    private static ModelSignature? TryRead(string json)
    {
        try
        {
            return ModelSignature.FromJson(json);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed class AliasName(JsonElement json) : JsonView(json)
    {
        public string? Alias => Text("alias", "name");
    }
}
