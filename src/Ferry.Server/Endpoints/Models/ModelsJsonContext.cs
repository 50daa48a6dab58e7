using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Server.Endpoints.Models;

/// <summary>Source-generated JSON for <c>/api/v1/models</c> (web defaults; non-finite metrics as "NaN"/"Infinity").</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ModelListView))]
[JsonSerializable(typeof(ModelView))]
[JsonSerializable(typeof(ModelVersionView))]
public sealed partial class ModelsJsonContext : JsonSerializerContext;
