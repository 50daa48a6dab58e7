using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Audit;
using Ferry.Core.Contracts;
using Ferry.Server.Endpoints.Health;
using Microsoft.AspNetCore.Mvc;

namespace Ferry.Server.Hosting;

/// <summary>Source-generated JSON metadata for every type Ferry's own API reads or writes (no per-request reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(TokenView))]
[JsonSerializable(typeof(TokenList))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(CreatedTokenResponse))]
[JsonSerializable(typeof(CallerView))]
[JsonSerializable(typeof(DashboardSessionView))]
[JsonSerializable(typeof(DashboardSessionList))]
[JsonSerializable(typeof(AuditEventView))]
[JsonSerializable(typeof(AuditEventList))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(GroupView))]
[JsonSerializable(typeof(GroupList))]
[JsonSerializable(typeof(CreateGroupRequest))]
[JsonSerializable(typeof(GroupMemberRequest))]
[JsonSerializable(typeof(GrantView))]
[JsonSerializable(typeof(GrantList))]
[JsonSerializable(typeof(SetGrantRequest))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
public sealed partial class FerryJsonContext : JsonSerializerContext;
