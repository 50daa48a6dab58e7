using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;

namespace Ferry.Server.Oversight.Subjects;

/// <summary>Source-generated JSON for the data-subject routes and the reason codes kept at erasure.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SubjectKeyRequest))]
[JsonSerializable(typeof(SubjectFieldRequest))]
[JsonSerializable(typeof(SubjectFieldView))]
[JsonSerializable(typeof(SubjectExportView))]
[JsonSerializable(typeof(SubjectErasureView))]
[JsonSerializable(typeof(IReadOnlyList<ErasedReasonView>))]
public sealed partial class SubjectsJsonContext : JsonSerializerContext;
